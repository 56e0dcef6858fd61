import process from "node:process";
import { chooseEmbedding, chooseDelay, chooseDimension, checkSeries, takensEmbedding } from "../../tda/embedding/index.ts";
import { TdaInputError } from "../../tda/types.ts";
import { CliError, optionText, parseOrHelp, readInteger, UsageError, type CommandSpec } from "./args.ts";
import { readText, requireFile } from "./input.ts";

export const spec: CommandSpec = {
  name: "embed",
  summary: "time-delay (Takens) embedding of a series into points, ready for `ph --format point-cloud`",
  description:
    "Turns the series in SERIES.csv (one sample a line; - for standard input) into delay vectors (x[t], x[t+τ], …, x[t+(d−1)τ]), printed one point a line, comma-separated.",
  usage: "SERIES.csv (--dimension D --delay T | --auto) [options]",
  maxPositionals: 1,
  options: [
    { name: "dimension", value: "D", help: "coordinates per point" },
    { name: "delay", value: "T", help: "samples between coordinates" },
    { name: "stride", value: "S", help: "samples between points (default 1)" },
    { name: "auto", help: "choose the delay (first minimum of mutual information) and the dimension (false nearest neighbours) not given" },
    { name: "max-delay", value: "T", help: "with --auto: largest delay tried (default 50, at most a quarter of the series)" },
    { name: "max-dimension", value: "D", help: "with --auto: largest dimension tried (default 10)" },
    { name: "column", value: "C", help: "column to read when lines have several values: a 1-based number or a header name (default 1)" },
  ],
  notes: [
    "Lines are split at commas or whitespace; empty lines and lines starting with # are skipped; a first line that is not numeric is a header.",
    "With --auto, the parameters chosen are reported on standard error. The methods and their thresholds are in docs/features.md.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const file = requireFile(args, spec);
  const auto = args.options.get("auto") === true;
  const given = {
    dimension: args.options.has("dimension") ? readInteger(args, spec, "dimension", 1, 1, 10_000) : undefined,
    delay: args.options.has("delay") ? readInteger(args, spec, "delay", 1, 1) : undefined,
  };
  const stride = readInteger(args, spec, "stride", 1, 1);
  if (!auto && (given.dimension === undefined || given.delay === undefined)) {
    throw new UsageError(`embed: give --dimension and --delay, or --auto to choose them`);
  }
  const series = parseSeries(await readText(file, "embed"), file === "-" ? "<stdin>" : file, optionText(args, spec, "column"));
  checkSeries(series, file);
  let delay = given.delay;
  let dimension = given.dimension;
  if (auto) ({ delay, dimension } = choose(series, given, args.options.has("max-delay") ? readInteger(args, spec, "max-delay", 1, 1) : undefined, readInteger(args, spec, "max-dimension", 10, 1, 100)));
  let cloud;
  try {
    cloud = takensEmbedding(series, { dimension: dimension!, delay: delay!, stride });
  } catch (error) {
    // Name the file: the library only knows the numbers.
    if (error instanceof TdaInputError) throw new CliError(`${file === "-" ? "<stdin>" : file}: ${error.message}`);
    throw error;
  }
  const lines: string[] = [];
  for (let i = 0; i < cloud.count; i++) lines.push(Array.from(cloud.points.subarray(i * cloud.dimension, (i + 1) * cloud.dimension)).join(","));
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

function choose(series: Float64Array, given: { dimension?: number; delay?: number }, maxDelay: number | undefined, maxDimension: number): { delay: number; dimension: number } {
  const say = (line: string) => process.stderr.write(`streaming-tda embed: ${line}\n`);
  if (given.delay === undefined && given.dimension === undefined) {
    const choice = chooseEmbedding(series, { maxDelay, maxDimension });
    if (choice.failure !== undefined) throw new CliError(`embed --auto: ${choice.failure}${lastReason(choice.skipped)}`);
    say(`delay ${choice.delay.delay} (${choice.delay.rule} of mutual information, ${choice.delay.bins} bins); dimension ${choice.dimension.dimension} (false nearest neighbours ${percent(choice.dimension.falseShare[choice.dimension.dimension! - 1])})`);
    return { delay: choice.delay.delay!, dimension: choice.dimension.dimension! };
  }
  if (given.delay === undefined) {
    const choice = chooseDelay(series, maxDelay ?? Math.max(1, Math.min(50, Math.floor(series.length / 4))));
    if (choice.delay === undefined) throw new CliError(`embed --auto: no delay fits ${series.length} samples${lastReason(choice.skipped)}`);
    say(`delay ${choice.delay} (${choice.rule} of mutual information, ${choice.bins} bins)`);
    return { delay: choice.delay, dimension: given.dimension! };
  }
  const choice = chooseDimension(series, given.delay, maxDimension);
  if (choice.dimension === undefined) throw new CliError(`embed --auto: no dimension up to ${maxDimension} brings false neighbours below 1% at delay ${given.delay}${lastReason(choice.skipped)}`);
  say(`dimension ${choice.dimension} (false nearest neighbours ${percent(choice.falseShare[choice.dimension - 1])})`);
  return { delay: given.delay, dimension: choice.dimension };
}

function lastReason(skipped: Array<{ reason: string }>): string {
  return skipped.length === 0 ? "" : `; ${skipped.length} candidate(s) skipped, e.g. ${skipped[0].reason}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Samples of one column of a text file; names the line of anything that is not a number. */
export function parseSeries(text: string, source: string, column: string | undefined): Float64Array {
  const values: number[] = [];
  let index = column === undefined ? 0 : /^\d+$/.test(column) ? Number(column) - 1 : -1;
  if (index < -1 || (column !== undefined && /^\d+$/.test(column) && index < 0)) throw new UsageError(`embed: --column counts from 1, not ${column}`);
  let first = true;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s*,\s*|\s+/);
    if (first) {
      first = false;
      if (!fields.every(isNumeric)) {
        if (index === -1) index = fields.indexOf(column as string);
        if (index === -1) throw new CliError(`${source}: no column named "${column}" in the header ${line}`);
        continue;
      }
      if (index === -1) throw new CliError(`${source}: --column ${column} names a column, but the file has no header line`);
    }
    if (index >= fields.length) throw new CliError(`${source}:${n + 1}: no column ${index + 1} (the line has ${fields.length})`);
    const field = fields[index];
    if (!isNumeric(field)) throw new CliError(`${source}:${n + 1}: "${field}" is not a number`);
    values.push(Number(field));
  }
  if (values.length === 0) throw new CliError(`${source}: no samples`);
  return Float64Array.from(values);
}

function isNumeric(field: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(field);
}

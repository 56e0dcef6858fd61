import process from "node:process";
import { INPUT_FORMATS, isBinaryFormat, parseRipsInput, resolveFormatName } from "../../tda/formats.ts";
import { ripsPersistence, isPrime } from "../../tda/rips.ts";
import { assemblyWorker } from "../runtime/rips-threads.ts";
import { readInput } from "./input.ts";
import type { Diagrams } from "../../tda/types.ts";
import { CliError, parseOrHelp, readChoice, readInteger, readNumber, UsageError, type CommandSpec } from "./args.ts";
import { formatCsv, formatJson, formatRipser, visibleIntervals } from "./output.ts";

const OUTPUTS = ["ripser", "json", "csv"] as const;

export const spec: CommandSpec = {
  name: "ph",
  summary: "persistence barcodes of a point cloud or distance matrix (Ripser's formats and output)",
  description: `Computes the Vietoris–Rips persistence barcodes of FILE (standard input when FILE is - or absent), as Ripser does.`,
  usage: "[FILE|-] [options]",
  maxPositionals: 1,
  options: [
    { name: "format", value: "F", help: `input format: ${INPUT_FORMATS.join(", ")} (default lower-distance)` },
    { name: "dim", value: "K", help: "compute homology up to dimension K (default 1)" },
    { name: "threshold", value: "T", help: "only simplices of diameter at most T (default: the enclosing radius)" },
    { name: "modulus", value: "P", help: "coefficients in Z/P, P prime (default 2)" },
    { name: "ratio", value: "R", help: "only show pairs with death/birth ratio above R (default 1)" },
    { name: "output", value: "O", help: "ripser (Ripser's text), json or csv (default ripser)" },
    { name: "threads", value: "N", help: "1, or 2 to assemble columns of dimension 2 and up on a worker thread too (default 1)" },
    { name: "collapse", help: "collapse dominated edges first: the same barcodes, much faster on points sampling a shape densely (default: from --dim 2 up, and for --dim 1 on point clouds in up to 3 dimensions; docs/engine.md)" },
  ],
  notes: [
    "Formats: point-cloud (one point per line), distance (full matrix, or a lower triangle with its diagonal), lower-distance and upper-distance (triangle without diagonal), sparse (lines \"i j d\"), dipha (DIPHA distance matrix), binary (lower triangle as little-endian float32). Values are separated by commas or whitespace. Formats may be abbreviated as Ripser allows (lower, upper, dist, point).",
    "Note: Debian's ripser 1.2.1 documents lower-distance as its default but reads a full distance matrix when --format is not given; pass --format to both tools when comparing them.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const format = readChoice(args, spec, "format", INPUT_FORMATS, "lower-distance", resolveFormatName);
  const maxDim = readInteger(args, spec, "dim", 1, 0);
  const threshold = readNumber(args, spec, "threshold", 0, true);
  const modulus = readInteger(args, spec, "modulus", 2, 2);
  if (!isPrime(modulus)) throw new UsageError(`ph: --modulus must be a prime, not ${modulus}`);
  const ratio = readNumber(args, spec, "ratio", 1) ?? 1;
  const output = readChoice(args, spec, "output", OUTPUTS, "ripser");

  const file = args.positionals[0] ?? "-";
  const source = file === "-" ? "<stdin>" : file;
  const bytes = await readInput(file, "ph");
  let data: string | Uint8Array = bytes;
  if (!isBinaryFormat(format)) {
    // A NUL byte never occurs in text; naming the binary formats beats a "not a number" error.
    if (bytes.includes(0)) throw new CliError(`${source}: contains NUL bytes, so it is not UTF-8 text; binary input needs --format dipha or --format binary`);
    data = new TextDecoder().decode(bytes);
  }
  const input = parseRipsInput(format, data, source);

  const progress = progressLine(process.stderr);
  // A worker thread can take half of the column assembly from dimension 2 up. It pays on large
  // assembly-bound problems, at the cost of a second heap and a copy of the distances: opt-in.
  const threads = readInteger(args, spec, "threads", 1, 1);
  if (threads > 2) throw new UsageError(`ph: --threads must be 1 or 2, not ${threads}`);
  const assemblyHelper = threads === 2 && maxDim >= 2 ? assemblyWorker : undefined;
  // Unasked, the library decides where the collapse pays.
  const collapse = args.options.get("collapse") === true ? true : undefined;
  const result = ripsPersistence(input, { maxDim, threshold, modulus, collapse, onProgress: progress.update, assemblyHelper });
  progress.finish();

  const diagrams: Diagrams = Array.from({ length: maxDim + 1 }, (_, dim) => result.diagrams[dim] ?? []);
  if (output === "ripser") {
    process.stdout.write(formatRipser(diagrams, { input, threshold, usedThreshold: result.threshold, valueRange: result.valueRange, edges: result.edges }, maxDim, ratio));
  } else {
    const shown = visibleIntervals(diagrams, ratio);
    process.stdout.write(output === "json" ? formatJson(shown) : formatCsv(shown));
  }
  return 0;
}


/** Where progress goes: a terminal, or anything else (which gets none). */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * A progress line on a terminal, shown once a run has taken `delayMs` and redrawn at most
 * every `intervalMs`; erased when the run finishes. Nothing at all when not on a terminal,
 * so that logs and pipes stay clean.
 */
export function progressLine(stream: ProgressStream, now: () => number = Date.now, delayMs = 1000, intervalMs = 100) {
  const start = now();
  let lastDrawn = -Infinity;
  let shown = false;
  return {
    update: (dim: number, done: number): void => {
      if (!stream.isTTY) return;
      const t = now();
      if (t - start < delayMs || t - lastDrawn < intervalMs) return;
      lastDrawn = t;
      shown = true;
      const percent = Math.min(100, Math.max(0, Math.floor(done * 100)));
      stream.write(`\r\x1b[Kstreaming-tda ph: dimension ${dim}: ${percent}%`);
    },
    finish: (): void => {
      if (shown) stream.write("\r\x1b[K");
    },
  };
}

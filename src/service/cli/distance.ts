/**
 * `streaming-tda distance A.json B.json`: the bottleneck, Wasserstein or sliced Wasserstein
 * distance between one homology dimension of two diagram files (what `ph --output json`
 * writes). Prints the number (`inf` when infinite), or with --matching one JSON object
 * saying which interval went where.
 */
import process from "node:process";
import { DEFAULT_DIRECTIONS, diagramDistance, type DiagramMetric } from "../../tda/distance/index.ts";
import type { Diagrams } from "../../tda/types.ts";
import { CliError, parseOrHelp, readChoice, readInteger, readNumber, UsageError, type CommandSpec } from "./args.ts";
import { readDiagramFile } from "./input.ts";

const METRICS: readonly DiagramMetric[] = ["bottleneck", "wasserstein", "sliced"];

export const spec: CommandSpec = {
  name: "distance",
  summary: "bottleneck, Wasserstein or sliced Wasserstein distance between two diagrams",
  description:
    "Prints the distance between dimension K of the diagrams in A.json and B.json (what `streaming-tda ph --output json` writes; - for standard input).",
  usage: "A.json B.json [options]",
  maxPositionals: 2,
  options: [
    { name: "metric", value: "M", help: `${METRICS.join(", ")} (default bottleneck)` },
    { name: "dim", value: "K", help: "homology dimension to compare (default 0)" },
    { name: "order", value: "P", help: "Wasserstein order p ≥ 1 (default 1)" },
    { name: "internal-p", value: "Q", help: "Wasserstein norm on the plane: 2 or inf (default inf); any number ≥ 1 works" },
    { name: "directions", value: "N", help: `sliced Wasserstein directions (default ${DEFAULT_DIRECTIONS})` },
    { name: "matching", help: "print JSON with the distance and which interval went where" },
  ],
  notes: [
    "Essential classes (death null): if A and B have different numbers of them in dimension K the distance is inf; otherwise they are matched in order of birth and their birth differences count.",
    "With --matching the output is {\"metric\", \"dim\", \"distance\", \"matching\": [[i, j], …]}, where i and j index the intervals of dimension K in A and B and -1 stands for the diagonal. Definitions: docs/diagram-distances.md.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  if (args.positionals.length < 2) throw new UsageError("distance: needs two diagram files, A.json and B.json (see streaming-tda distance --help)");
  const metric = readChoice(args, spec, "metric", METRICS, "bottleneck");
  const dim = readInteger(args, spec, "dim", 0, 0, 1000);
  const order = readNumber(args, spec, "order", 1);
  const internalP = readNumber(args, spec, "internal-p", 1, true);
  const directions = args.options.has("directions") ? readInteger(args, spec, "directions", DEFAULT_DIRECTIONS, 1, 1_000_000) : undefined;
  const matching = args.options.get("matching") === true;
  if (metric !== "wasserstein" && (order !== undefined || internalP !== undefined)) {
    throw new UsageError(`distance: --order and --internal-p apply to --metric wasserstein, not ${metric}`);
  }
  if (metric !== "sliced" && directions !== undefined) throw new UsageError(`distance: --directions applies to --metric sliced, not ${metric}`);
  if (metric === "sliced" && matching) throw new UsageError("distance: sliced Wasserstein has no matching (each direction has its own); drop --matching");
  if (args.positionals[0] === "-" && args.positionals[1] === "-") throw new UsageError("distance: only one of A and B can be standard input");

  const [a, b] = await Promise.all(args.positionals.map((file) => readDiagramFile(file, "distance")));
  const first = pickDimension(a, dim, args.positionals[0]);
  const second = pickDimension(b, dim, args.positionals[1]);
  const result = diagramDistance([first], [second], { metric, dim: 0, order, internalP, directions });
  const distance = Number.isFinite(result.distance) ? result.distance : "inf";
  if (matching) {
    process.stdout.write(`${JSON.stringify({ metric, dim, distance, matching: result.matching ?? [] })}\n`);
  } else {
    process.stdout.write(`${distance}\n`);
  }
  return 0;
}


/** A file without the dimension asked for was computed to a lower one: say so rather than compare with nothing. */
function pickDimension(diagrams: Diagrams, dim: number, file: string) {
  if (dim >= diagrams.length) {
    const has = diagrams.length === 0 ? "no dimensions" : diagrams.length === 1 ? "dimension 0 only" : `dimensions 0 to ${diagrams.length - 1}`;
    throw new CliError(`${file === "-" ? "<stdin>" : file}: no dimension ${dim} (it has ${has}); compute it with streaming-tda ph --dim ${dim}`);
  }
  return diagrams[dim];
}

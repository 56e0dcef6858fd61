import type { Diagrams } from "../src/tda/types.ts";
import { runOracle } from "./oracles.ts";

// Debian's ripser 1.2.1, the reference engine: run on text or a file, its output parsed.

export { RIPSER } from "./oracles.ts";

/** Runs Debian's ripser with `text` on its standard input and parses its intervals. */
export function runRipser(text: string, args: string[]): Diagrams {
  return parseRipserOutput(runOracle("ripser", args, text));
}

/** Ripser's printed intervals, per dimension (an empty death is Infinity). */
export function parseRipserOutput(out: string): Diagrams {
  const diagrams: Diagrams = [];
  let dim = -1;
  for (const line of out.split("\n")) {
    const header = /^persistence intervals in dim (\d+):/.exec(line);
    if (header) {
      dim = Number(header[1]);
      diagrams[dim] = [];
      continue;
    }
    const m = /^\s*\[([^,]+),\s*([^)]*)\)/.exec(line);
    if (m && dim >= 0) diagrams[dim].push([Number(m[1]), m[2].trim() === "" ? Infinity : Number(m[2])]);
  }
  return diagrams;
}

/** Ripser's command-line arguments; `--format` always, since Debian's default is not the documented one. */
export function ripserArgs(format: RipserFormat, maxDim: number, threshold?: number): string[] {
  const args = ["--format", format, "--dim", String(maxDim)];
  if (threshold !== undefined) args.push("--threshold", String(threshold));
  return args;
}

export type RipserFormat = "point-cloud" | "lower-distance" | "upper-distance" | "distance" | "sparse";

/** Runs ripser on a file (rather than text on stdin), for the binary formats and the large datasets. */
export function runRipserOnFile(file: string, args: string[]): Diagrams {
  return parseRipserOutput(runOracle("ripser", [...args, file]));
}

import { execFileSync } from "node:child_process";
import type { Diagrams } from "../../src/tda/types.ts";

export const RIPSER = "/usr/bin/ripser";

/** Runs Debian's ripser on `text` (in `format`) and parses its intervals. */
export function runRipser(text: string, args: string[]): Diagrams {
  const out = execFileSync(RIPSER, args, { input: text, encoding: "utf8", maxBuffer: 1 << 28 });
  return parseRipserOutput(out);
}

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

/**
 * Ripser prints 6 significant digits, so intervals compare after rounding ours the same
 * way; multisets per dimension, as sorted lists of "birth,death" keys.
 */
export function diagramKeys(diagrams: Diagrams, dim: number): string[] {
  return (diagrams[dim] ?? []).map(([b, d]) => `${round6(b)},${d === Infinity ? "inf" : round6(d)}`).sort();
}

function round6(x: number): string {
  return Number(Math.fround(x).toPrecision(6)).toString();
}

/** Points as ripser's point-cloud text. */
export function pointCloudText(points: number[][]): string {
  return points.map((p) => p.join(",")).join("\n") + "\n";
}

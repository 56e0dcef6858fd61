import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { ripsPersistence } from "../../src/tda/rips.ts";
import type { Diagrams } from "../../src/tda/types.ts";
import { compareBarcodes } from "../../testkit/barcodes.ts";
import { pointCloudText } from "../../testkit/inputs.ts";
import { parseRipserOutput, RIPSER } from "../../testkit/ripser.ts";
import { GNU_TIME, runMeasured } from "../lib/measure.ts";
import { firstWindows } from "./demo-windows.ts";
import type { Workload } from "./workloads.ts";

/** Windows of each workload timed against the reference engine. */
const WINDOWS_VS_RIPSER = 40;

/**
 * One window, diagrams only, ours against Debian's ripser: the workload's first windows of
 * the demo data (H0 and H1 at the enclosing radius), ours by ripsPersistence from scratch as
 * in the recompute figure, Ripser as a whole process on the window's points minus its run on
 * 3 points measured beside it; each the best of 3 runs, then the mean over windows. The
 * barcodes are compared too. Null when ripser or GNU time (which times it, as in bench:ph) is
 * not installed.
 */
export function windowAgainstRipser(w: Workload): { oursMs: number; ripserMs: number; identical: number; windows: number } | null {
  if (!existsSync(RIPSER) || !existsSync(GNU_TIME)) return null;
  const windows = firstWindows(w, WINDOWS_VS_RIPSER);
  const args = ["--format", "point-cloud", "--dim", "1"];
  const ripserRun = (text: string): { ms: number; out: string } => {
    const run = runMeasured(RIPSER, args, text);
    return { ms: run.seconds * 1000, out: run.stdout };
  };
  // Ripser's start-up is measured beside each window, so both see the same machine: a
  // start-up measured once, while other threads are still busy, can last as long as a window.
  const startup = pointCloudText([[0, 0, 0], [1, 0, 0], [0, 1, 0]]);
  const best = (f: () => number) => Math.min(f(), f(), f());
  let ours = 0;
  let reference = 0;
  let identical = 0;
  for (const points of windows) ripsPersistence(points, { maxDim: 1, collapse: true });
  for (const points of windows) {
    let diagrams: Diagrams = [];
    ours += best(() => {
      const started = performance.now();
      diagrams = ripsPersistence(points, { maxDim: 1, collapse: true }).diagrams;
      return performance.now() - started;
    });
    const text = pointCloudText(points);
    let out = "";
    const startupMs = best(() => ripserRun(startup).ms);
    reference += best(() => {
      const run = ripserRun(text);
      out = run.out;
      return run.ms;
    }) - startupMs;
    if (compareBarcodes(diagrams, parseRipserOutput(out), 1).identical) identical++;
  }
  return { oursMs: ours / windows.length, ripserMs: reference / windows.length, identical, windows: windows.length };
}

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/**
 * Ripser's CPU time (user + system) per window as a whole process, start-up subtracted, on
 * the workload's first windows: what one core spends recomputing a window from scratch,
 * however loaded the machine is (wall time on a shared machine measures the queue for a
 * core). Each round() runs, in one shell, ripser on every window and then as often on a
 * 3-point input, reporting its children's CPU time after each loop (bash's `times`, to the
 * millisecond), and returns the windows' time minus the start-ups' over the windows (at most
 * the same difference in wall time); the caller interleaves rounds with its own
 * measurements, so both see the same machine.
 * identical() says in how many windows the barcodes equal ours. Null without ripser.
 */
export function ripserRounds(w: Workload, windows: number): { round: () => number; identical: () => number; windows: number; close: () => void } | null {
  if (!existsSync(RIPSER)) return null;
  const points = firstWindows(w, windows);
  const dir = mkdtempSync(join(tmpdir(), "bench-stream-ripser-"));
  points.forEach((window, k) => writeFileSync(join(dir, `${k}.txt`), pointCloudText(window)));
  writeFileSync(join(dir, "startup.txt"), pointCloudText([[0, 0, 0], [1, 0, 0], [0, 1, 0]]));
  const run = `${RIPSER} --format point-cloud --dim 1`;
  const script = [
    `cd ${JSON.stringify(dir)}`,
    `t0=$EPOCHREALTIME; for k in $(seq 0 ${windows - 1}); do ${run} $k.txt > $k.out; done; t1=$EPOCHREALTIME; times`,
    `for k in $(seq 0 ${windows - 1}); do ${run} startup.txt > /dev/null; done; t2=$EPOCHREALTIME; times`,
    `echo "$t0 $t1 $t2"`,
  ].join("\n");
  const seconds = (line: string) => [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  return {
    windows,
    round: () => {
      // `times` prints the shell's own times, then its children's, cumulative: every second line.
      const lines = execFileSync("/bin/bash", ["-c", script], { encoding: "utf8" }).trim().split("\n");
      const [afterWindows, afterStartups] = lines.slice(0, 4).filter((_, k) => k % 2 === 1).map(seconds);
      const [t0, t1, t2] = lines[4].split(" ").map(Number);
      const cpu = 2 * afterWindows - afterStartups;
      // ripser is one thread, so its CPU time cannot exceed the wall time; on a virtual
      // machine the children's CPU time has read several times the wall time for a round.
      const wall = t1 - t0 - (t2 - t1);
      return (Math.min(cpu, wall) * 1000) / windows;
    },
    identical: () => {
      let identical = 0;
      for (let k = 0; k < windows; k++) {
        const ours = ripsPersistence(points[k], { maxDim: 1, collapse: true }).diagrams;
        if (compareBarcodes(ours, parseRipserOutput(readFileSync(join(dir, `${k}.out`), "utf8")), 1).identical) identical++;
      }
      return identical;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

import { spawnSync } from "node:child_process";

/** GNU time: reports the peak resident set size of the command it runs. */
export const GNU_TIME = "/usr/bin/time";

export interface ProcessRun {
  /** Wall time of the whole process, start-up included. */
  seconds: number;
  /** Peak resident set size in megabytes (GNU time's %M, in KiB). */
  peakMb: number;
  stdout: string;
  /** The command's own stderr, without GNU time's report. */
  stderr: string;
}

/**
 * Runs `command` to completion under GNU time and measures it. Throws with the command's
 * stderr when it fails, so a broken tool never passes for a fast one.
 */
export function runMeasured(command: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): ProcessRun {
  // GNU time writes its report as the last line of stderr; a marker keeps it apart from the command's own stderr.
  const started = process.hrtime.bigint();
  const result = spawnSync(GNU_TIME, ["-f", "peak-kib %M", command, ...args], { encoding: "utf8", maxBuffer: 1 << 30, input, env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = /peak-kib (\d+)\s*$/.exec(result.stderr ?? "");
  if (result.error) throw result.error;
  if (result.status !== 0 || !report) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}: ${(result.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  }
  return { seconds, peakMb: Number(report[1]) / 1024, stdout: result.stdout, stderr: result.stderr.slice(0, report.index) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * How many times to repeat a measurement: at least once, at most `maxRuns`, and no new run
 * once `budgetSeconds` have been spent, so that a case taking minutes is not run five
 * times over while a 10 ms case still gets its full count.
 */
export interface RepeatPolicy {
  maxRuns: number;
  budgetSeconds: number;
}

export function repeatMeasured(policy: RepeatPolicy, run: () => ProcessRun): ProcessRun[] {
  const runs: ProcessRun[] = [];
  let spent = 0;
  while (runs.length < policy.maxRuns && (runs.length === 0 || spent < policy.budgetSeconds)) {
    const measured = run();
    runs.push(measured);
    spent += measured.seconds;
  }
  return runs;
}

/** Median wall time and median peak memory of `runs`; every run prints the same barcodes, so the last one's output stands for all. */
export function summarizeRuns(runs: ProcessRun[]): { seconds: number; peakMb: number; stdout: string; count: number } {
  const seconds = median(runs.map((r) => r.seconds));
  return { seconds, peakMb: median(runs.map((r) => r.peakMb)), stdout: runs[runs.length - 1].stdout, count: runs.length };
}

/**
 * Runs `first` and `second` alternately, in pairs, under `policy` (the budget counts both).
 * On a shared machine the load drifts; alternating lets the drift weigh on both alike.
 */
export function alternateMeasured(policy: RepeatPolicy, first: () => ProcessRun, second: () => ProcessRun): [ProcessRun[], ProcessRun[]] {
  const firstRuns: ProcessRun[] = [];
  const secondRuns: ProcessRun[] = [];
  let spent = 0;
  while (firstRuns.length < policy.maxRuns && (firstRuns.length === 0 || spent < policy.budgetSeconds)) {
    const a = first();
    const b = second();
    firstRuns.push(a);
    secondRuns.push(b);
    spent += a.seconds + b.seconds;
  }
  return [firstRuns, secondRuns];
}

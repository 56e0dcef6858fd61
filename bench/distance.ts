// npm run bench:distance — our diagram distances against gudhi's (Debian's python3-gudhi,
// /usr/bin/python3) on the same random diagrams of 1,000 points each: exact bottleneck
// (gudhi: bottleneck_distance(e=0)) and Wasserstein W_{2,2} (gudhi: wasserstein_distance,
// order=2, internal_p=2, which calls POT's exact network simplex).
//
//   node bench/distance.ts [--size N] [--runs R]
//
// Timing: ours in-process, the median of R calls after five warm-up calls (JIT); gudhi's
// inside Python with time.perf_counter, the median of 3 calls, so process start-up and
// data transfer are not counted for either. Both values are printed to show they agree.
// CPU time is printed too, with the load average: on a shared machine wall time also
// measures the neighbours.
//
// Three kinds of random diagram (seeded, so every run sees the same ones):
// - uniform: birth uniform on [0, 10], persistence uniform on [0, 5]. Every point is far
//   from the diagonal and has many plausible partners: the hard case for matchings.
// - short-lived: birth uniform on [0, 1], persistence exponential with mean 0.05: mostly
//   noise near the diagonal, as in Rips diagrams of sampled data.
// - born-at-zero: every bar born at 0, death uniform on [0, 3], as in a Rips H0 diagram: the
//   points lie on one line, the optimal Wasserstein matching is the sorted one and its
//   partners can be dozens of ranks apart, far beyond the nearest neighbours.
// The last line is one JSON object: bottleneckMs, wasserstein2Ms, gudhiBottleneckMs and
// gudhiWasserstein2Ms (wall-clock) for the uniform case, …CpuMs the same in CPU time, the
// same for the other kinds (keys prefixed shortLived… and bornAtZero…), and loadAverage
// (1 minute).
import { execFileSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { bottleneckDistance, wassersteinDistance } from "../src/tda/distance/index.ts";
import type { Interval } from "../src/tda/types.ts";

const { values: flags } = parseArgs({ options: { size: { type: "string", default: "1000" }, runs: { type: "string", default: "9" } } });
const SIZE = Number(flags.size);
const RUNS = Number(flags.runs);

function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
}

function uniformDiagram(seed: number, size: number): Interval[] {
  const u = seededUniform(seed);
  return Array.from({ length: size }, () => {
    const birth = u() * 10;
    return [birth, birth + u() * 5] as Interval;
  });
}

function shortLivedDiagram(seed: number, size: number): Interval[] {
  const u = seededUniform(seed);
  return Array.from({ length: size }, () => {
    const birth = u();
    return [birth, birth - 0.05 * Math.log(u())] as Interval;
  });
}

function bornAtZeroDiagram(seed: number, size: number): Interval[] {
  const u = seededUniform(seed);
  return Array.from({ length: size }, () => [0, u() * 3] as Interval);
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeOurs(compute: () => number): Timed {
  let value = compute();
  for (let w = 0; w < 4; w++) compute();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    value = compute();
    const cpu = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  return { ms: median(times), cpuMs: median(cpuTimes), value };
}

const gudhiScript = String.raw`
import json, sys, time
import numpy as np
import gudhi, gudhi.wasserstein
a, b = (np.array(d, dtype=float) for d in json.load(sys.stdin))
def timed(f):
    times, cpu, value = [], [], None
    for _ in range(3):
        t, c = time.perf_counter(), time.process_time()
        value = f()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return {"ms": sorted(times)[1], "cpuMs": sorted(cpu)[1], "value": value}
print(json.dumps({
    "bottleneck": timed(lambda: gudhi.bottleneck_distance(a, b, 0)),
    "wasserstein2": timed(lambda: gudhi.wasserstein.wasserstein_distance(a, b, order=2, internal_p=2)),
}))
`;

interface Timed {
  /** Wall-clock median. */
  ms: number;
  /** CPU-time median (user + system): less sensitive to other processes on a shared machine. */
  cpuMs: number;
  value: number;
}

function timeGudhi(a: Interval[], b: Interval[]): { bottleneck: Timed; wasserstein2: Timed } {
  const out = execFileSync("/usr/bin/python3", ["-c", gudhiScript], { input: JSON.stringify([a, b]), encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out) as { bottleneck: Timed; wasserstein2: Timed };
}

const row = (what: string, ours: Timed, theirs: Timed) =>
  `  ${what.padEnd(14)} ours ${ours.ms.toFixed(1).padStart(8)} ms (cpu ${ours.cpuMs.toFixed(1).padStart(7)})   ` +
  `gudhi ${theirs.ms.toFixed(1).padStart(8)} ms (cpu ${theirs.cpuMs.toFixed(1).padStart(7)})   ` +
  `ratio ${(ours.ms / theirs.ms).toFixed(3).padStart(7)}   values ${ours.value} / ${theirs.value}` +
  `${Math.abs(ours.value - theirs.value) <= 1e-6 * Math.abs(theirs.value) ? "" : "   DISAGREE"}`;

const summary: Record<string, number> = {};
console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${availableParallelism()} cores`);
for (const [name, make, prefix] of [
  ["uniform", uniformDiagram, ""],
  ["short-lived", shortLivedDiagram, "shortLived"],
  ["born-at-zero", bornAtZeroDiagram, "bornAtZero"],
] as const) {
  const a = make(1, SIZE);
  const b = make(2, SIZE);
  const bottleneck = timeOurs(() => bottleneckDistance(a, b));
  const wasserstein2 = timeOurs(() => wassersteinDistance(a, b, { order: 2, internalP: 2 }));
  const gudhi = timeGudhi(a, b);
  console.log(`${name}: two diagrams of ${SIZE} points (ours: median of ${RUNS}; gudhi: median of 3)`);
  console.log(row("bottleneck", bottleneck, gudhi.bottleneck));
  console.log(row("wasserstein-2", wasserstein2, gudhi.wasserstein2));
  const key = (k: string) => (prefix ? prefix + k[0].toUpperCase() + k.slice(1) : k);
  summary[key("bottleneckMs")] = round(bottleneck.ms);
  summary[key("wasserstein2Ms")] = round(wasserstein2.ms);
  summary[key("gudhiBottleneckMs")] = round(gudhi.bottleneck.ms);
  summary[key("gudhiWasserstein2Ms")] = round(gudhi.wasserstein2.ms);
  summary[key("bottleneckCpuMs")] = round(bottleneck.cpuMs);
  summary[key("wasserstein2CpuMs")] = round(wasserstein2.cpuMs);
  summary[key("gudhiBottleneckCpuMs")] = round(gudhi.bottleneck.cpuMs);
  summary[key("gudhiWasserstein2CpuMs")] = round(gudhi.wasserstein2.cpuMs);
}
summary.loadAverage = round(loadavg()[0]);
console.log(JSON.stringify(summary));

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

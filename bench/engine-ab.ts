/**
 * npm run bench:engine-ab -- BEFORE_DIR [AFTER_DIR]
 *
 * The persistence engine of two checkouts (AFTER_DIR defaults to this one), interleaved in
 * one process: the same inputs through each one's `ripsPersistence`, alternating which goes
 * first, 25 runs each, median. Runs minutes apart on a shared machine differ by more than a
 * change is likely to; alternating in one process gives both sides the same load. Both run
 * with `collapse: false` unless --collapse, so the reductions are compared.
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { seededRandom } from "../src/tda/index.ts";
import { noisyCircle, randomCloud } from "../testkit/inputs.ts";
import { median } from "./lib/measure.ts";
import { loadFromCheckouts } from "./lib/checkouts.ts";

type Engine = { ripsPersistence(points: number[][], options: { maxDim: number; collapse: boolean }): unknown };

const collapse = process.argv.includes("--collapse");
const { before, after, beforeDir, afterDir } = await loadFromCheckouts<Engine>("bench:engine-ab", "BEFORE_DIR [AFTER_DIR] [--collapse]", "src/tda/index.ts");

const cases = [
  { name: "256 random points, H1", points: randomCloud(seededRandom(256), 256, 3), maxDim: 1 },
  { name: "512 random points, H1", points: randomCloud(seededRandom(512), 512, 3), maxDim: 1 },
  { name: "256 random points, H2", points: randomCloud(seededRandom(257), 256, 3), maxDim: 2 },
  { name: "200-point noisy circle, H1", points: noisyCircle(seededRandom(200), 200, 0.1), maxDim: 1 },
];
const RUNS = 25;
console.log(`bench:engine-ab — before ${beforeDir}, after ${afterDir}, collapse: ${collapse}; load average ${loadavg().map((x) => x.toFixed(2)).join(", ")}`);
for (const c of cases) {
  const times = { before: [] as number[], after: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const order: Array<[Engine, number[]]> = run % 2 ? [[before, times.before], [after, times.after]] : [[after, times.after], [before, times.before]];
    for (const [engine, into] of order) {
      const start = performance.now();
      engine.ripsPersistence(c.points, { maxDim: c.maxDim, collapse });
      into.push(performance.now() - start);
    }
  }
  const [b, a] = [median(times.before), median(times.after)];
  console.log(`${c.name}: before ${b.toFixed(2)} ms, after ${a.toFixed(2)} ms, after/before ${(a / b).toFixed(3)}`);
}

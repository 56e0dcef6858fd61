/**
 * npm run bench:stream-ab -- BEFORE_DIR [AFTER_DIR] [--events=N] [--rounds=N]
 *
 * The stream processor of two checkouts (AFTER_DIR defaults to this one), interleaved on
 * this thread: the demo's events for S1, S2 and S3 fed to one processor of each, in blocks of
 * 1,024 that alternate which goes first, timed in CPU time, each key's first window untimed.
 * bench:stream's runs minutes apart differ by more than a change of a few percent (the
 * machine is shared); interleaving gives both sides the same load. Checks that both produce
 * the same outputs (as JSON) for the first blocks.
 */
import { loadavg } from "node:os";
import type { RawRecord } from "../src/stream/types.ts";
import { loadFromCheckouts } from "./lib/checkouts.ts";
import { integerOption } from "./lib/figures.ts";
import { demoRecords, fillingEvents } from "./stream/single-thread.ts";
import { WORKLOADS } from "./stream/workloads.ts";

type Processor = { ingestBatch(records: RawRecord[]): unknown[] };
type ProcessorModule = { StreamProcessor: new (config: { scales: Array<{ size: number; slide: number }>; maxDim: number }) => Processor };

const { before, after, beforeDir, afterDir } = await loadFromCheckouts<ProcessorModule>("bench:stream-ab", "BEFORE_DIR [AFTER_DIR] [--events=N] [--rounds=N]", "src/stream/processor.ts");
const events = integerOption("bench:stream-ab", "events", 1, "events", 30_000);
const rounds = integerOption("bench:stream-ab", "rounds", 1, "rounds", 2);
const sides = { before, after };
const BLOCK = 1024;
const BATCH = 64;
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

console.log(`bench:stream-ab — before ${beforeDir}, after ${afterDir}, ${events} events × ${rounds} rounds; load average ${loadavg().map((x) => x.toFixed(2)).join(", ")}`);
for (const w of WORKLOADS) {
  const fill = fillingEvents(w);
  const records = demoRecords(fill + events);
  const spent = { before: 0, after: 0 };
  const firstOutputs = { before: [] as string[], after: [] as string[] };
  for (let round = 0; round < rounds; round++) {
    const processors = {
      before: new sides.before.StreamProcessor({ scales: [{ size: w.size, slide: w.slide }], maxDim: 1 }),
      after: new sides.after.StreamProcessor({ scales: [{ size: w.size, slide: w.slide }], maxDim: 1 }),
    };
    for (const side of ["before", "after"] as const) processors[side].ingestBatch(records.slice(0, fill));
    for (let at = fill, block = 0; at < records.length; at += BLOCK, block++) {
      const order = (block + round) % 2 === 0 ? (["before", "after"] as const) : (["after", "before"] as const);
      for (const side of order) {
        const started = cpu();
        for (let i = at; i < Math.min(records.length, at + BLOCK); i += BATCH) {
          const outputs = processors[side].ingestBatch(records.slice(i, Math.min(records.length, at + BLOCK, i + BATCH)));
          if (round === 0 && block < 4) firstOutputs[side].push(JSON.stringify(outputs));
        }
        spent[side] += cpu() - started;
      }
    }
  }
  const same = firstOutputs.before.join("\n") === firstOutputs.after.join("\n");
  const per = (us: number) => (us / (events * rounds)).toFixed(1);
  console.log(`${w.name} (window ${w.size}, slide ${w.slide}): before ${per(spent.before)} µs per event, after ${per(spent.after)} µs, after/before ${(spent.after / spent.before).toFixed(3)}; first outputs ${same ? "identical" : "DIFFER"}`);
}

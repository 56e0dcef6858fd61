/**
 * The soak's own process (started by soak.ts): the S2 pipeline at --soak-rate events/s for
 * --soak-seconds, printing RSS once a minute on stderr and, last, one JSON line with the
 * mean RSS over the first and the last minute of readings.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { NullSink } from "../../src/adapters/sinks/store-sink.ts";
import { createLogger } from "../../src/service/runtime/logger.ts";
import { startPipeline } from "../../src/service/pipeline.ts";
import { option, round } from "../lib/figures.ts";
import { demoSource, pipelineConfig, untilEveryKeyHasAWindow, WORKLOADS } from "./workloads.ts";

/** Seconds of the soak before its RSS readings count. */
const SOAK_WARMUP_S = 60;

const w = WORKLOADS[1];
const rate = Number(option("soak-rate"));
const seconds = Number(option("soak-seconds"));
const pipeline = await startPipeline(pipelineConfig(w, Number(process.env.BENCH_WORKERS ?? 2), false), {
  logger: createLogger({ level: "warn" }),
  source: demoSource(w, rate),
  sinks: [new NullSink()],
});
try {
  await untilEveryKeyHasAWindow(pipeline);
  // RSS saws up and down with each isolate's garbage collections (by 20–30% here), so one
  // reading says more about where the sawtooth was than about growth. The first minute
  // (heaps sizing themselves) is left out; then RSS is read every 5 s, and the start and
  // end figures are the means over the first and the last minute of readings.
  const started = performance.now();
  const readings: Array<{ at: number; rss: number }> = [];
  let nextLine = 60;
  while (performance.now() - started < seconds * 1000) {
    await sleep(5_000);
    const at = (performance.now() - started) / 1000;
    const { rss, heapUsed } = process.memoryUsage();
    if (at >= SOAK_WARMUP_S) readings.push({ at, rss: rss / 2 ** 20 });
    if (at >= nextLine) {
      console.error(`soak ${Math.round(at)} s: RSS ${(rss / 2 ** 20).toFixed(1)} MB, main-thread heap used ${(heapUsed / 2 ** 20).toFixed(1)} MB`);
      nextLine += 60;
    }
  }
  const mean = (xs: Array<{ rss: number }>) => xs.reduce((sum, x) => sum + x.rss, 0) / xs.length;
  const end = readings[readings.length - 1]?.at ?? 0;
  console.log(
    JSON.stringify({
      rssStartMb: round(mean(readings.filter((r) => r.at < SOAK_WARMUP_S + 60)), 1),
      rssEndMb: round(mean(readings.filter((r) => r.at > end - 60)), 1),
    }),
  );
} finally {
  await pipeline.stop();
}

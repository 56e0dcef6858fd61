import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { DemoSource } from "../../src/adapters/demo/demo-source.ts";
import { NullSink } from "../../src/adapters/sinks/store-sink.ts";
import type { Source } from "../../src/adapters/types.ts";
import { checkConfig, type PipelineConfig } from "../../src/service/config/config.ts";
import { createLogger } from "../../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../../src/service/runtime/metrics.ts";
import { startPipeline, type RunningPipeline } from "../../src/service/pipeline.ts";

/** A streaming workload: one scale of `size` points sliding by `slide`. */
export interface Workload {
  name: "S1" | "S2" | "S3";
  size: number;
  slide: number;
}

export const WORKLOADS: Workload[] = [
  { name: "S1", size: 64, slide: 1 },
  { name: "S2", size: 128, slide: 8 },
  { name: "S3", size: 256, slide: 32 },
];
/** The demo generator's keys and seed, for every run. */
export const KEYS = 64;
export const SEED = 1;
/** Latency is measured at this share of the saturated rate: a queue that keeps up. */
export const PACE = 0.7;

/** The HTTP queue is kept short (2048 events): at saturation its latency is queueing. */
export function pipelineConfig(w: Workload, workers: number, http: boolean): PipelineConfig {
  const { config, problems } = checkConfig({
    source: http ? { type: "http" } : { type: "demo", keys: KEYS, rate: 0, seed: SEED },
    sink: { type: "none" },
    http: { enabled: http, port: 0, host: "127.0.0.1", queueCapacity: 2048 },
    // Small batches: counts advance per finished batch, and a slow engine makes batches long.
    runner: { workers, maxInFlight: 2048, batchSize: 64 },
    stream: { scales: [{ size: w.size, slide: w.slide }], maxDim: 1 },
  });
  if (!config) throw new Error(JSON.stringify(problems));
  return config;
}

/** The demo source of a workload at `rate` events/s (0: as fast as the pipeline takes them). */
export function demoSource(w: Workload, rate: number): Source {
  return new DemoSource({ keys: KEYS, rate, seed: SEED, batchSize: 64, burst: KEYS * (w.size + 2 * w.slide) });
}

/** Resolves once every key has produced a window (filling windows costs no persistence), or after two minutes. */
export async function untilEveryKeyHasAWindow(pipeline: RunningPipeline): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (pipeline.runner.counts().windows < KEYS && performance.now() < deadline) await sleep(50);
}

export interface Measured {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Window results the latencies come from. */
  windows: number;
}

/**
 * Events/s over `seconds` and the latencies of that span, once every key has produced a
 * window (filling the windows costs no persistence and would flatter the rate) and `warm`
 * seconds more have passed.
 */
export async function measure(pipeline: RunningPipeline, warm: number, seconds: number, drain = false, cycleEvents = 0, expectedRate = 0): Promise<Measured> {
  // Keys complete their windows in step (the demo interleaves them): a span must hold a few
  // of those cycles of KEYS × slide events, or it may see no step at all.
  if (cycleEvents > 0 && expectedRate > 0) seconds = Math.max(seconds, (3 * cycleEvents) / expectedRate);
  const deadline = performance.now() + 120_000;
  await untilEveryKeyHasAWindow(pipeline);
  await sleep(warm * 1000);
  // Paced runs: let the backlog of the first windows drain, so latency is the steady state's.
  while (drain && pipeline.runner.inFlightEvents > 512 && performance.now() < deadline) await sleep(50);
  pipeline.metrics.resetRecentLatencies();
  // Counts move when a batch's results come back, in steps: the rate is taken between the
  // first and the last step inside the span, not between its arbitrary ends.
  const steps: Array<[number, number]> = [];
  const begin = performance.now();
  const end = begin + seconds * 1000;
  let last = pipeline.runner.counts().received;
  // At least three steps (up to a minute): a slow workload moves in few, long steps.
  while (performance.now() < end || (steps.length < 3 && performance.now() < begin + 60_000)) {
    await sleep(10);
    const now = pipeline.runner.counts().received;
    if (now !== last) steps.push([performance.now(), now]);
    last = now;
  }
  // Late events are dead letters that cost nothing: a run with them would flatter the rate.
  const late = pipeline.runner.counts().late;
  if (late > 0) console.warn(`warning: ${late} events arrived late (out of order) in this run; its rate is not comparable`);
  const [t0, r0] = steps[0] ?? [0, 0];
  const [t1, r1] = steps.at(-1) ?? [1, 0];
  return {
    eventsPerSecond: steps.length >= 2 ? ((r1 - r0) * 1000) / (t1 - t0) : Number.NaN,
    p50Ms: pipeline.metrics.latencyQuantile(0.5) * 1000,
    p99Ms: pipeline.metrics.latencyQuantile(0.99) * 1000,
    windows: pipeline.metrics.latencySampleCount(),
  };
}

/** The pipeline on the demo source in this process: saturated (`rate` 0) or paced. */
export async function inProcess(w: Workload, workers: number, rate: number, warm: number, seconds: number, expectedRate = 0): Promise<Measured> {
  const config = pipelineConfig(w, workers, false);
  const metrics = new PipelineMetrics({ defaultMetrics: false, latencySamples: 1 << 20 });
  const pipeline = await startPipeline(config, { logger: createLogger({ level: "warn" }), metrics, source: demoSource(w, rate), sinks: [new NullSink()] });
  try {
    return await measure(pipeline, warm, seconds, rate > 0, KEYS * w.slide, rate || expectedRate);
  } finally {
    await pipeline.stop();
  }
}

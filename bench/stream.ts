/**
 * npm run bench:stream [-- --quick]
 *
 * The streaming engine on the demo generator's data (64 keys of 3-d points), H0 and H1 at the
 * default (exact) threshold, for three workloads:
 *   S1 window 64 slide 1 · S2 window 128 slide 8 · S3 window 256 slide 32.
 * For each: sustained events/s through the runner with its worker threads (saturated), p50
 * and p99 latency event→result at 70% of that rate (arrival at the source to the sink's
 * acknowledgement, measured once every key has windows and the start-up backlog drained),
 * events/s through POST /events from a client in another thread (with its latency, which at
 * saturation is the wait in the 2048-event queue), and, diagrams only on one thread, the
 * throughput of recomputing every window from scratch with ripsPersistence (edge collapse
 * on, as in the pipeline) beside that of the pipeline's incremental slot complex. Then RSS at the start and end of a 10-minute S2 soak at 70% of the S2 rate, in a
 * fresh process: means of readings every 5 s over the minute after a one-minute warm-up and
 * over the last minute (it prints RSS once a minute on stderr).
 * --quick: about 20 s per workload and no soak. The last line is one JSON object.
 * For checking a change: --only=S1,S2 runs some workloads; --soak-seconds=N shortens the soak;
 * --soak-rate=N soaks at N events/s (with --only=soak, S2 is not measured first).
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { DemoSource, endlessDemoEvents } from "../src/adapters/demo/demo-source.ts";
import { NullSink } from "../src/adapters/sinks/store-sink.ts";
import type { Source } from "../src/adapters/types.ts";
import { checkConfig, type PipelineConfig } from "../src/service/config.ts";
import { createLogger } from "../src/service/logger.ts";
import { PipelineMetrics } from "../src/service/metrics.ts";
import { startPipeline, type RunningPipeline } from "../src/service/pipeline.ts";
import { SlotComplex } from "../src/stream/slot-complex.ts";
import { ripsPersistence } from "../src/tda/rips.ts";

interface Workload {
  name: "S1" | "S2" | "S3";
  size: number;
  slide: number;
}
const WORKLOADS: Workload[] = [
  { name: "S1", size: 64, slide: 1 },
  { name: "S2", size: 128, slide: 8 },
  { name: "S3", size: 256, slide: 32 },
];
const KEYS = 64;
/** Seconds of the soak before its RSS readings count. */
const SOAK_WARMUP_S = 60;
/** Latency is measured at this share of the saturated rate: a queue that keeps up. */
const PACE = 0.7;
const SEED = 1;

if (!isMainThread && (workerData as { role?: string })?.role === "http-client") {
  await httpClient(workerData as ClientOptions);
} else if (process.argv.includes("--soak-child")) {
  const soak = await soakRun(WORKLOADS[1], Number(process.env.BENCH_WORKERS ?? 2), Number(option("soak-rate")), Number(option("soak-seconds")));
  console.log(JSON.stringify(soak));
} else {
  await main();
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  // Seconds per phase: saturated, paced (latency), HTTP, recompute.
  const t = quick ? { warm: 2, sat: 6, paced: 6, http: 5, recompute: 3 } : { warm: 3, sat: 20, paced: 20, http: 20, recompute: 10 };
  const workers = Number(process.env.BENCH_WORKERS ?? 2);
  const results: Record<string, unknown> = {};
  console.log(`bench:stream — ${KEYS} keys of 3-d demo points, H0+H1, exact threshold, ${workers} worker threads${quick ? ", --quick" : ""}`);
  const only = option("only");
  for (const w of WORKLOADS.filter((x) => !only || only.split(",").includes(x.name))) {
    const sat = await inProcess(w, workers, 0, t.warm, t.sat);
    const paced = await inProcess(w, workers, Math.max(10, Math.round(sat.eventsPerSecond * PACE)), t.warm, t.paced);
    const http = await overHttp(w, workers, t.warm, t.http, sat.eventsPerSecond);
    const recompute = diagramsOnly(w, t.recompute, "recompute");
    const incremental = diagramsOnly(w, t.recompute, "incremental");
    const row = {
      eventsPerSecond: round(sat.eventsPerSecond),
      p50Ms: paced.windows > 0 ? round(paced.p50Ms, 2) : null,
      p99Ms: paced.windows > 0 ? round(paced.p99Ms, 2) : null,
      latencyWindows: paced.windows,
      recomputeEventsPerSecond: round(recompute),
      incrementalEventsPerSecond: round(incremental),
      httpEventsPerSecond: round(http.eventsPerSecond),
      pacedEventsPerSecond: round(paced.eventsPerSecond),
      httpP50Ms: http.windows > 0 ? round(http.p50Ms, 2) : null,
      httpP99Ms: http.windows > 0 ? round(http.p99Ms, 2) : null,
    };
    results[w.name] = row;
    console.log(
      `${w.name} (window ${w.size}, slide ${w.slide}): ${row.eventsPerSecond} events/s saturated; ` +
        `latency at ${row.pacedEventsPerSecond} events/s p50 ${row.p50Ms} ms p99 ${row.p99Ms} ms; ` +
        `POST /events ${row.httpEventsPerSecond} events/s (p50 ${row.httpP50Ms} ms, p99 ${row.httpP99Ms} ms); ` +
        `diagrams only, 1 thread: recompute from scratch ${row.recomputeEventsPerSecond} events/s, incremental ${row.incrementalEventsPerSecond} events/s`,
    );
  }
  const soakSeconds = Number(option("soak-seconds") ?? 600);
  if (quick || (only && !only.split(",").includes("soak"))) {
    results.soak = { rssStartMb: null, rssEndMb: null, skipped: quick ? "--quick" : "--only" };
  } else {
    const s2 = results.S2 as { eventsPerSecond: number } | undefined;
    const rate = Number(option("soak-rate") ?? Math.round((s2?.eventsPerSecond ?? 0) * PACE));
    if (!(rate > 0)) throw new Error("the soak needs S2's rate: run S2 too, or give --soak-rate=N");
    const soak = await soakInFreshProcess(rate, soakSeconds);
    results.soak = { ...soak, seconds: soakSeconds, eventsPerSecond: rate };
    console.log(`soak S2 ${soakSeconds} s at ${rate} events/s: RSS ${soak.rssStartMb} MB → ${soak.rssEndMb} MB`);
  }
  console.log(JSON.stringify(results));
}

/** The HTTP queue is kept short (2048 events): at saturation its latency is queueing. */
function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function pipelineConfig(w: Workload, workers: number, http: boolean): PipelineConfig {
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

interface Measured {
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
async function measure(pipeline: RunningPipeline, warm: number, seconds: number, drain = false, cycleEvents = 0, expectedRate = 0): Promise<Measured> {
  // Keys complete their windows in step (the demo interleaves them): a span must hold a few
  // of those cycles of KEYS × slide events, or it may see no step at all.
  if (cycleEvents > 0 && expectedRate > 0) seconds = Math.max(seconds, (3 * cycleEvents) / expectedRate);
  const deadline = performance.now() + 120_000;
  while (pipeline.runner.counts().windows < KEYS && performance.now() < deadline) await sleep(50);
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
  const [t0, r0] = steps[0] ?? [0, 0];
  const [t1, r1] = steps.at(-1) ?? [1, 0];
  return {
    eventsPerSecond: steps.length >= 2 ? ((r1 - r0) * 1000) / (t1 - t0) : Number.NaN,
    p50Ms: pipeline.metrics.latencyQuantile(0.5) * 1000,
    p99Ms: pipeline.metrics.latencyQuantile(0.99) * 1000,
    windows: pipeline.metrics.latencySampleCount(),
  };
}

async function inProcess(w: Workload, workers: number, rate: number, warm: number, seconds: number, expectedRate = 0): Promise<Measured> {
  const config = pipelineConfig(w, workers, false);
  const source: Source = new DemoSource({ keys: KEYS, rate, seed: SEED, batchSize: 64, burst: KEYS * (w.size + 2 * w.slide) });
  const metrics = new PipelineMetrics({ defaultMetrics: false, latencySamples: 1 << 20 });
  const pipeline = await startPipeline(config, { logger: createLogger({ level: "warn" }), metrics, source, sinks: [new NullSink()] });
  try {
    return await measure(pipeline, warm, seconds, rate > 0, KEYS * w.slide, rate || expectedRate);
  } finally {
    await pipeline.stop();
  }
}

interface ClientOptions {
  role: "http-client";
  url: string;
  batch: number;
  concurrency: number;
}

async function overHttp(w: Workload, workers: number, warm: number, seconds: number, expectedRate: number): Promise<Measured> {
  const config = pipelineConfig(w, workers, true);
  const metrics = new PipelineMetrics({ defaultMetrics: false, latencySamples: 1 << 20 });
  const pipeline = await startPipeline(config, { logger: createLogger({ level: "warn" }), metrics, sinks: [new NullSink()] });
  const client = new Worker(new URL(import.meta.url), {
    workerData: { role: "http-client", url: `http://127.0.0.1:${pipeline.port}/events`, batch: 64, concurrency: 4 } satisfies ClientOptions,
  });
  try {
    return await measure(pipeline, warm, seconds, false, KEYS * w.slide, expectedRate);
  } finally {
    const exited = new Promise((resolve) => client.once("exit", resolve));
    client.postMessage("stop");
    await exited;
    await pipeline.stop();
  }
}

/**
 * The client thread: POSTs JSON-lines batches of demo events until told to stop; on 429/503
 * it waits briefly and resends the same batch.
 */
async function httpClient(options: ClientOptions): Promise<void> {
  const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
  let stop = false;
  parentPort?.once("message", () => (stop = true));
  const loop = async () => {
    let body: string | undefined;
    while (!stop) {
      if (body === undefined) {
        const lines: string[] = [];
        for (let i = 0; i < options.batch; i++) lines.push(events.next().value.line);
        body = lines.join("\n");
      }
      const res = await fetch(options.url, { method: "POST", body, headers: { "content-type": "application/x-ndjson" } });
      await res.arrayBuffer();
      if (res.status === 202) body = undefined;
      else await sleep(5);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  // Ends this thread only.
  process.exit(0);
}

/**
 * Diagrams only, on this thread, for every window of every key: `recompute` computes each
 * from scratch with ripsPersistence; `incremental` keeps a slot complex per key, as the
 * pipeline does, so the two differ only in what a slide redoes.
 */
function diagramsOnly(w: Workload, seconds: number, mode: "recompute" | "incremental"): number {
  const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
  const windows = new Map<string, number[][]>();
  const complexes = new Map<string, { complex: SlotComplex; slots: number[] }>();
  const since = new Map<string, number>();
  let seq = 0;
  // Returns whether the event completed a window (and computed it, when `compute`).
  const place = (compute: boolean): boolean => {
    const event = events.next().value;
    if (event.broken !== null) return false;
    const e = JSON.parse(event.line) as { key: string; value: number[] };
    let win = windows.get(e.key);
    if (!win) windows.set(e.key, (win = []));
    win.push(e.value);
    if (win.length > w.size) win.shift();
    if (mode === "incremental") {
      let held = complexes.get(e.key);
      if (!held) complexes.set(e.key, (held = { complex: new SlotComplex(w.size, e.value.length), slots: [] }));
      if (held.slots.length === w.size) held.complex.remove(held.slots.shift()!);
      held.slots.push(held.complex.add(seq++, e.value, 0));
    }
    const n = (since.get(e.key) ?? 0) + 1;
    since.set(e.key, n);
    if (win.length < w.size || n < w.slide) return false;
    since.set(e.key, 0);
    if (mode === "recompute" && compute) ripsPersistence(win, { maxDim: 1, collapse: true });
    if (mode === "incremental") {
      const { complex } = complexes.get(e.key)!;
      complex.commit();
      if (compute) complex.compute(null, 1, 2);
    }
    return true;
  };
  // Untimed: fill every key's window first, as the pipeline's warm-up does.
  while (windows.size < KEYS || [...windows.values()].some((win) => win.length < w.size)) place(false);
  let consumed = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    place(true);
    consumed++;
  }
  return (consumed * 1000) / (performance.now() - start);
}

/**
 * The soak runs in a process of its own, so its RSS is the soak pipeline's and not what the
 * workloads before it left in this one's heap and allocator.
 */
async function soakInFreshProcess(rate: number, seconds: number): Promise<{ rssStartMb: number; rssEndMb: number }> {
  // The main thread's young generation capped as docs/service.md (Memory) says to run the service.
  const child = spawn(process.execPath, ["--min-semi-space-size=16", "--max-semi-space-size=16", fileURLToPath(import.meta.url), "--soak-child", `--soak-rate=${rate}`, `--soak-seconds=${seconds}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const last = output.trim().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`the soak process failed (exit ${code}): ${output.slice(-500)}`);
  return JSON.parse(last) as { rssStartMb: number; rssEndMb: number };
}

async function soakRun(w: Workload, workers: number, rate: number, seconds: number): Promise<{ rssStartMb: number; rssEndMb: number }> {
  const config = pipelineConfig(w, workers, false);
  const source = new DemoSource({ keys: KEYS, rate, seed: SEED, batchSize: 64, burst: KEYS * (w.size + 2 * w.slide) });
  const pipeline = await startPipeline(config, { logger: createLogger({ level: "warn" }), source, sinks: [new NullSink()] });
  try {
    const deadline = performance.now() + 120_000;
    while (pipeline.runner.counts().windows < KEYS && performance.now() < deadline) await sleep(50);
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
    return {
      rssStartMb: round(mean(readings.filter((r) => r.at < SOAK_WARMUP_S + 60)), 1),
      rssEndMb: round(mean(readings.filter((r) => r.at > end - 60)), 1),
    };
  } finally {
    await pipeline.stop();
  }
}

/** Rounded; null for a figure that could not be measured (NaN). */
function round(x: number, digits = 0): number {
  if (Number.isNaN(x)) return null as unknown as number;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

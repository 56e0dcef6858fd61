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
 * on, as in the pipeline) beside that of the pipeline's incremental slot complex; and one
 * window's diagrams timed against Debian's ripser (windowAgainstRipser). Then RSS at the
 * start and end of a 10-minute S2 soak at 70% of the S2 rate, in a fresh process: means of
 * readings every 5 s over the minute after a one-minute warm-up and over the last minute (it
 * prints RSS once a minute on stderr).
 * --quick: about 20 s per workload and no soak. The last line is one JSON object.
 * For checking a change: --only=S1,S2 runs some workloads; --soak-seconds=N shortens the soak;
 * --soak-rate=N soaks at N events/s (with --only=soak, S2 is not measured first).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { DemoSource, endlessDemoEvents } from "../src/adapters/demo/demo-source.ts";
import { NullSink } from "../src/adapters/sinks/store-sink.ts";
import type { Source } from "../src/adapters/types.ts";
import { checkConfig, type PipelineConfig } from "../src/service/config/config.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../src/service/runtime/metrics.ts";
import { startPipeline, type RunningPipeline } from "../src/service/pipeline.ts";
import { shardOf } from "../src/service/runtime/shard.ts";
import { SlotComplex } from "../src/stream/slot-complex.ts";
import { ripsPersistence } from "../src/tda/rips.ts";
import type { Diagrams } from "../src/tda/types.ts";
import { compareBarcodes, parseRipserOutput, pointCloudText, RIPSER } from "../test/helpers/ripser-oracle.ts";
import { GNU_TIME, runMeasured } from "./lib/measure.ts";

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
/** Windows of each workload timed against the reference engine. */
const WINDOWS_VS_RIPSER = 40;

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
    const vsRipser = windowAgainstRipser(w);
    const row = {
      eventsPerSecond: round(sat.eventsPerSecond),
      p50Ms: paced.windows > 0 ? round(paced.p50Ms, 2) : null,
      p99Ms: paced.windows > 0 ? round(paced.p99Ms, 2) : null,
      latencyWindows: paced.windows,
      recomputeEventsPerSecond: round(recompute),
      incrementalEventsPerSecond: round(incremental),
      windowMs: vsRipser ? round(vsRipser.oursMs, 2) : null,
      ripserWindowMs: vsRipser ? round(vsRipser.ripserMs, 2) : null,
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
    console.log(
      vsRipser
        ? `${w.name} one window, diagrams only: ours ${row.windowMs} ms, ripser ${row.ripserWindowMs} ms (ours/ripser ${round(vsRipser.oursMs / vsRipser.ripserMs, 2)}), barcodes identical in ${vsRipser.identical} of ${vsRipser.windows}`
        : `${w.name} one window against ripser: skipped, ${RIPSER} or ${GNU_TIME} is not installed (apt-get install -y ripser time)`,
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
 * it waits briefly and resends the same batch. Each connection sends its own share of the
 * keys, so every key's events arrive in order: concurrent batches of all keys would overtake
 * one another and a quarter of the events would be late (dead letters that cost nothing).
 */
async function httpClient(options: ClientOptions): Promise<void> {
  let stop = false;
  parentPort?.once("message", () => (stop = true));
  const loop = async (connection: number) => {
    const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
    const nextLine = (): string => {
      for (;;) {
        const { key, line } = events.next().value;
        if (shardOf(key, options.concurrency) === connection) return line;
      }
    };
    let body: string | undefined;
    while (!stop) {
      if (body === undefined) {
        const lines: string[] = [];
        for (let i = 0; i < options.batch; i++) lines.push(nextLine());
        body = lines.join("\n");
      }
      const res = await fetch(options.url, { method: "POST", body, headers: { "content-type": "application/x-ndjson" } });
      await res.arrayBuffer();
      if (res.status === 202) body = undefined;
      else await sleep(5);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, connection) => loop(connection)));
  // Ends this thread only.
  process.exit(0);
}

/** A demo event with its key's sliding window; `window` is set when the event completes one. Broken events come with key null. */
interface FedEvent {
  key: string | null;
  value: number[];
  window: number[][] | null;
}

/** The demo events in order, each key's window slid along (size and slide of the workload). */
function* demoWindows(w: Workload): Generator<FedEvent, never> {
  const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
  const windows = new Map<string, number[][]>();
  const since = new Map<string, number>();
  for (;;) {
    const event = events.next().value;
    if (event.broken !== null) {
      yield { key: null, value: [], window: null };
      continue;
    }
    const e = JSON.parse(event.line) as { key: string; value: number[] };
    let win = windows.get(e.key);
    if (!win) windows.set(e.key, (win = []));
    win.push(e.value);
    if (win.length > w.size) win.shift();
    const n = (since.get(e.key) ?? 0) + 1;
    since.set(e.key, n);
    const complete = win.length === w.size && n >= w.slide;
    if (complete) since.set(e.key, 0);
    yield { key: e.key, value: e.value, window: complete ? win : null };
  }
}

/**
 * Diagrams only, on this thread, for every window of every key: `recompute` computes each
 * from scratch with ripsPersistence; `incremental` keeps a slot complex per key, as the
 * pipeline does, so the two differ only in what a slide redoes.
 */
function diagramsOnly(w: Workload, seconds: number, mode: "recompute" | "incremental"): number {
  const feed = demoWindows(w);
  const complexes = new Map<string, { complex: SlotComplex; slots: number[] }>();
  const keysWithWindows = new Set<string>();
  let seq = 0;
  // Returns whether the event completed a window (and computed it, when `compute`).
  const place = (compute: boolean): boolean => {
    const { key, value, window } = feed.next().value;
    if (key === null) return false;
    if (mode === "incremental") {
      let held = complexes.get(key);
      if (!held) complexes.set(key, (held = { complex: new SlotComplex(w.size, value.length), slots: [] }));
      if (held.slots.length === w.size) held.complex.remove(held.slots.shift()!);
      held.slots.push(held.complex.add(seq++, value, 0));
    }
    if (window === null) return false;
    keysWithWindows.add(key);
    if (mode === "recompute" && compute) ripsPersistence(window, { maxDim: 1, collapse: true });
    if (mode === "incremental") {
      const { complex } = complexes.get(key)!;
      complex.commit();
      if (compute) complex.compute(null, 1, 2);
    }
    return true;
  };
  // Untimed: every key's first window, as the pipeline's warm-up does.
  while (keysWithWindows.size < KEYS) place(false);
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
 * One window, diagrams only, ours against Debian's ripser: the workload's first windows of
 * the demo data (H0 and H1 at the enclosing radius), ours by ripsPersistence from scratch as
 * in the recompute figure, Ripser as a whole process on the window's points minus its run on
 * 3 points measured beside it; each the best of 3 runs, then the mean over windows. The
 * barcodes are compared too. Null when ripser or GNU time (which times it, as in bench:ph) is
 * not installed.
 */
function windowAgainstRipser(w: Workload): { oursMs: number; ripserMs: number; identical: number; windows: number } | null {
  if (!existsSync(RIPSER) || !existsSync(GNU_TIME)) return null;
  const feed = demoWindows(w);
  const windows: number[][][] = [];
  while (windows.length < WINDOWS_VS_RIPSER) {
    const { window } = feed.next().value;
    if (window !== null) windows.push(window.slice());
  }
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

/**
 * The service in-process with a real HTTP server on a free port and a real SQLite file:
 * probes, metrics, backpressure (429/503 with Retry-After), the streaming_tda_enabled flag
 * and the query API.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import type { OutputRecord, Sink } from "../src/adapters/types.ts";
import { checkConfig } from "../src/service/config/config.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { startPipeline } from "../src/service/pipeline.ts";

/** A sink that holds every write until released: the pipeline "falls behind". */
class GatedSink implements Sink {
  readonly kind = "gated";
  records: OutputRecord[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  block(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  async write(records: readonly OutputRecord[]): Promise<void> {
    await this.gate;
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}

function events(key: string, from: number, n: number): string {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const t = (i * 2.399) % (2 * Math.PI);
    lines.push(JSON.stringify({ key, ts: 1_700_000_000_000 + i, value: [Math.cos(t), Math.sin(t), 0] }));
  }
  return lines.join("\n");
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test("service: probes, metrics, backpressure, the enabled flag and the query API", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-service-"));
  const { config, problems } = checkConfig({
    source: { type: "http" },
    sink: { type: "none" },
    store: { path: join(dir, "s.db"), checkpointIntervalMs: 100 },
    http: { port: 0, host: "127.0.0.1", queueCapacity: 50 },
    runner: { workers: 0, maxInFlight: 20, batchSize: 10 },
    stream: { scales: [{ size: 8, slide: 2 }], maxDim: 1 },
  });
  assert.deepEqual(problems, []);
  const sink = new GatedSink();
  const pipeline = await startPipeline(config!, { logger: createLogger({ level: "silent" }), sinks: [sink] });
  const base = `http://127.0.0.1:${pipeline.port}`;
  const post = (path: string, body: string) => fetch(base + path, { method: "POST", body, headers: { "content-type": "application/json" } });
  try {
    assert.equal((await fetch(base + "/health")).status, 200);
    const ready = await fetch(base + "/ready");
    assert.equal(ready.status, 200, JSON.stringify(await ready.clone().json()));

    // Events in, results out, a broken line dead-lettered.
    let res = await post("/events", events("a", 0, 20) + "\n{not json\n");
    assert.equal(res.status, 202);
    assert.deepEqual(await res.json(), { accepted: 21 });
    res = await post("/events", JSON.stringify(JSON.parse(`[${events("b", 0, 10).split("\n").join(",")}]`)));
    assert.equal(res.status, 202);
    await waitFor("results", () => sink.records.filter((r) => r.type === "window").length >= 7 + 2);
    assert.equal(sink.records.filter((r) => r.type === "dead_letter").length, 1);

    // Backpressure: the sink stops acknowledging; intake stops at maxInFlight, the queue fills.
    sink.block();
    let refused: Response | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await post("/events", events("c", i * 10, 10));
      if (r.status !== 202) refused = r;
      await sleep(5);
    }
    assert.ok(refused, "a POST was refused");
    assert.ok(refused.status === 429 || refused.status === 503, `status ${refused.status}`);
    assert.ok(Number(refused.headers.get("retry-after")) > 0, "Retry-After is set");
    const notReady = await fetch(base + "/ready");
    assert.equal(notReady.status, 503);
    assert.equal(((await notReady.json()) as { checks: { notOverloaded: boolean } }).checks.notOverloaded, false);
    assert.ok(pipeline.runner.inFlightEvents <= 20 + 10, "in flight stays bounded");
    sink.release();
    await waitFor("drained", async () => (await fetch(base + "/ready")).status === 200);
    assert.equal((await post("/events", events("c", 1000, 5))).status, 202);

    // The flag: paused means 503 with Retry-After and not ready; state kept; resumes on true.
    res = await post("/flags/streaming_tda_enabled", '{"enabled": false}');
    assert.deepEqual(await res.json(), { enabled: false });
    const paused = await post("/events", events("a", 20, 4));
    assert.equal(paused.status, 503);
    assert.ok(Number(paused.headers.get("retry-after")) > 0);
    const pausedReady = await fetch(base + "/ready");
    assert.equal(pausedReady.status, 503);
    assert.equal(((await pausedReady.json()) as { checks: { notPaused: boolean } }).checks.notPaused, false);
    assert.match(await (await fetch(base + "/metrics")).text(), /^streaming_tda_paused 1$/m);
    assert.equal((await post("/flags/streaming_tda_enabled", '{"enabled": "no"}')).status, 400);
    res = await post("/flags/streaming_tda_enabled", '{"enabled": true}');
    assert.deepEqual(await res.json(), { enabled: true });
    const before = sink.records.filter((r) => r.key === "a" && r.type === "window").length;
    assert.equal((await post("/events", events("a", 20, 4))).status, 202);
    // Key a continues where it was: 24 points, windows every 2 from the 8th, none repeated.
    await waitFor("key a continued", () => sink.records.filter((r) => r.key === "a" && r.type === "window").length === before + 2);
    const ids = sink.records.filter((r) => r.key === "a" && r.type === "window").map((r) => (r as { id: string }).id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.at(-1), "a|8/2|23");

    // Metrics: the names the alerts read, process and GC metrics.
    await waitFor("ready", async () => (await fetch(base + "/ready")).status === 200);
    const metrics = await (await fetch(base + "/metrics")).text();
    for (const name of [
      "streaming_tda_events_processed_total",
      'streaming_tda_events_failed_total{reason="parse_error"} 1',
      "streaming_tda_processing_latency_seconds_bucket",
      'streaming_tda_window_compute_seconds_bucket{le="0.001",scale="8/2",dim="1"}',
      "streaming_tda_windows_total",
      "streaming_tda_anomalies_total",
      "streaming_tda_active_keys 3",
      "streaming_tda_latency_p99",
      "process_resident_memory_bytes",
      "nodejs_gc_duration_seconds",
    ]) {
      assert.ok(metrics.includes(name), `metrics include ${name}`);
    }
    const processed = Number(/^streaming_tda_events_processed_total (\d+)/m.exec(metrics)![1]);
    const counts = pipeline.runner.counts();
    assert.equal(processed, counts.processed);
    assert.equal(counts.received, counts.processed + counts.deadLettered + counts.dropped + counts.buffered);
    assert.ok(Number(/^streaming_tda_latency_p99 (\S+)/m.exec(metrics)![1]) > 0);

    // Query API over the store.
    await pipeline.runner.checkpoint();
    const keys = (await (await fetch(base + "/api/keys")).json()) as { keys: Array<{ key: string; windows: number }> };
    assert.deepEqual(keys.keys.map((k) => k.key), ["a", "b", "c"]);
    assert.equal(keys.keys[0].windows, 9);
    const latest = (await (await fetch(base + "/api/keys/a/latest")).json()) as { id: string; end: number };
    assert.equal(latest.id, "a|8/2|23");
    const history = (await (await fetch(`${base}/api/keys/a/history?from=${latest.end - 3}&to=${latest.end}`)).json()) as { results: Array<{ id: string }> };
    assert.deepEqual(history.results.map((r) => r.id), ["a|8/2|21", "a|8/2|23"]);
    assert.equal((await fetch(base + "/api/keys/zzz/latest")).status, 404);
    assert.equal((await fetch(base + "/api/keys/a/history?from=x")).status, 400);
    assert.match(await (await fetch(base + "/")).text(), /<title>streaming-tda · live<\/title>/);
  } finally {
    await pipeline.stop();
  }
});

/** A sink that keeps what it gets. */
class MemorySink implements Sink {
  readonly kind = "memory";
  records: OutputRecord[] = [];
  async write(records: readonly OutputRecord[]): Promise<void> {
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}

test("keys evicted to the store and read back, by workers or inline, from SQLite or memory, give the same results", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-evict-"));
  const input = join(dir, "events.jsonl");
  // Keys in bursts, so that each one is evicted and comes back several times.
  const lines: string[] = [];
  for (let round = 0; round < 4; round++) for (let k = 0; k < 6; k++) lines.push(events(`k${k}`, round * 12, 12));
  const { writeFileSync } = await import("node:fs");
  writeFileSync(input, lines.join("\n") + "\n");
  const runWith = async (maxKeys: number, name: string, workers: number, store: "sqlite" | "memory") => {
    const { config } = checkConfig({
      source: { type: "file", path: input },
      sink: { type: "none" },
      store: store === "sqlite" ? { path: join(dir, `${name}.db`), checkpointIntervalMs: 20 } : null,
      http: { enabled: false },
      runner: { workers, batchSize: 16 },
      stream: { scales: [{ size: 8, slide: 2 }], maxDim: 1, maxKeys },
    });
    const sink = new MemorySink();
    const pipeline = await startPipeline(config!, { logger: createLogger({ level: "silent" }), sinks: [sink] });
    await pipeline.done;
    return { sink, counts: pipeline.runner.counts() };
  };
  const ids = (s: MemorySink) => s.records.map((r) => JSON.stringify(r)).sort();
  const roomy = await runWith(100, "roomy", 2, "sqlite");
  assert.ok(roomy.sink.records.length > 100);
  for (const [name, workers, store] of [["tight", 2, "sqlite"], ["tight-inline", 0, "sqlite"], ["tight-memory", 2, "memory"], ["tight-memory-inline", 0, "memory"]] as const) {
    const tight = await runWith(1, name, workers, store);
    assert.deepEqual(ids(tight.sink), ids(roomy.sink), name);
    assert.equal(tight.counts.processed, 6 * 48, name);
  }
  // The tight run did go through the store: its last checkpoint holds evicted keys.
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(join(dir, "tight.db"), { readOnly: true });
  const evicted = (db.prepare("SELECT count(*) AS n FROM key_state WHERE generation = -1").get() as { n: number }).n;
  db.close();
  assert.ok(evicted >= 2, `${evicted} keys evicted at the end`);
});

test("a restart may use another number of workers: keys are re-split, results the same", { timeout: 60_000 }, async () => {
  const { DemoSource } = await import("../src/adapters/demo/demo-source.ts");
  const dir = mkdtempSync(join(tmpdir(), "stda-reshard-"));
  const runDemo = async (db: string, workers: number, limit: number) => {
    const { config } = checkConfig({
      source: { type: "demo" },
      sink: { type: "none" },
      store: { path: join(dir, db) },
      http: { enabled: false },
      runner: { workers, batchSize: 50 },
      stream: { scales: [{ size: 8, slide: 2 }], maxDim: 1 },
    });
    const sink = new MemorySink();
    const source = new DemoSource({ keys: 4, rate: 0, limit, eventsPerKey: 200 });
    const pipeline = await startPipeline(config!, { logger: createLogger({ level: "silent" }), source, sinks: [sink] });
    await pipeline.done;
    return { records: sink.records.map((r) => JSON.stringify(r)), counts: pipeline.runner.counts() };
  };
  const whole = await runDemo("whole.db", 2, 600);
  const first = await runDemo("split.db", 2, 300);
  const second = await runDemo("split.db", 0, 600);
  assert.ok(first.records.length > 50 && second.records.length > 50);
  assert.deepEqual([...first.records, ...second.records].sort(), [...whole.records].sort());
  // Counters live in the checkpoint: the second run's add up to the whole run's.
  assert.deepEqual(second.counts, whole.counts);
});

test("stopping an HTTP pipeline processes every event it accepted", { timeout: 60_000 }, async () => {
  const { config } = checkConfig({
    source: { type: "http" },
    sink: { type: "none" },
    http: { port: 0, host: "127.0.0.1", queueCapacity: 400 },
    runner: { workers: 2, maxInFlight: 40, batchSize: 20 },
    stream: { scales: [{ size: 8, slide: 2 }], maxDim: 1 },
  });
  const sink = new GatedSink();
  const pipeline = await startPipeline(config!, { logger: createLogger({ level: "silent" }), sinks: [sink] });
  const base = `http://127.0.0.1:${pipeline.port}`;
  sink.block();
  let accepted = 0;
  for (let i = 0; i < 6; i++) {
    const res = await fetch(base + "/events", { method: "POST", body: events(`k${i}`, 0, 50), headers: { "content-type": "application/x-ndjson" } });
    if (res.status === 202) accepted += ((await res.json()) as { accepted: number }).accepted;
  }
  assert.ok(accepted >= 300, `${accepted} accepted`);
  const stopped = pipeline.stop();
  sink.release();
  await stopped;
  const counts = pipeline.runner.counts();
  assert.equal(counts.received, accepted);
  assert.equal(counts.processed, accepted);
});

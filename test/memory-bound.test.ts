/**
 * Memory bounded by the settings whatever the keys: stream.maxKeys caps the keys in memory
 * across every shard, evicted keys' states waiting for a checkpoint cannot pile up past it,
 * and without a durable store the states beyond what it keeps are counted and warned about.
 * The figures (peak RSS for up to a million keys) are bench/keys.ts's.
 */
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SqliteStateStore } from "../src/adapters/store/sqlite-store.ts";
import type { OutputRecord } from "../src/adapters/types.ts";
import { checkConfig } from "../src/service/config/config.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { startPipeline } from "../src/service/pipeline.ts";
import { PipelineRunner } from "../src/service/runtime/runner.ts";

function distinctKeys(n: number): string {
  let text = "";
  for (let i = 0; i < n; i++) text += JSON.stringify({ key: `k${i}`, ts: i, value: [i % 7, 1, 2] }) + "\n";
  return text;
}

/** A file source runs one PipelineRunner (a Kafka topic would run a PartitionedRunner). */
function singleRunner(runner: unknown): PipelineRunner {
  assert.ok(runner instanceof PipelineRunner, "a file source runs one PipelineRunner");
  return runner;
}

function config(input: Record<string, unknown>) {
  const { config, problems } = checkConfig(input);
  assert.deepEqual(problems, []);
  return config!;
}

async function metric(pipeline: { metrics: { registry: { getSingleMetricAsString(name: string): Promise<string> } } }, name: string): Promise<number> {
  const text = await pipeline.metrics.registry.getSingleMetricAsString(name);
  const line = text.split("\n").find((l) => l.startsWith(name + " "));
  return line === undefined ? NaN : Number(line.split(" ")[1]);
}

test("maxKeys bounds the keys in memory across both workers; evicted states trigger checkpoints, not a pile", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-memory-"));
  const path = join(dir, "keys.jsonl");
  writeFileSync(path, distinctKeys(3000));
  const pipeline = await startPipeline(
    config({
      source: { type: "file", path },
      sink: { type: "none" },
      // An hour between timed checkpoints: every one before the last is taken for evicted keys.
      store: { path: join(dir, "s.db"), checkpointIntervalMs: 3_600_000 },
      http: { enabled: false },
      runner: { workers: 2, batchSize: 50, maxInFlight: 100 },
      stream: { scales: [{ size: 4, slide: 1 }], maxKeys: 100 },
    }),
    { logger: createLogger({ level: "silent" }) },
  );
  const runner = singleRunner(pipeline.runner);
  let most = 0;
  const watch = setInterval(() => (most = Math.max(most, runner.liveKeys)), 1);
  await pipeline.done;
  clearInterval(watch);
  most = Math.max(most, runner.liveKeys);
  assert.ok(most > 0 && most <= 100, `keys in memory at most maxKeys across both shards, saw ${most}`);
  assert.equal(runner.counts().received, 3000);
  // 2,900 keys evicted, a checkpoint for every 100 waiting: about 29, and surely more than a few.
  assert.ok(runner.checkpointsWritten >= 10, `checkpoints taken for evicted keys: ${runner.checkpointsWritten}`);
});

test("without a store, evicted keys' states beyond what memory keeps are discarded: counted, and warned about once a minute", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-memory-"));
  const path = join(dir, "keys.jsonl");
  writeFileSync(path, distinctKeys(10_500));
  const warnings: string[] = [];
  const logger = createLogger({ level: "warn", write: (line) => warnings.push(line) });
  const pipeline = await startPipeline(
    config({ source: { type: "file", path }, sink: { type: "none" }, http: { enabled: false }, runner: { workers: 0 }, stream: { scales: [{ size: 4, slide: 1 }], maxKeys: 40 } }),
    { logger },
  );
  await pipeline.done;
  const runner = singleRunner(pipeline.runner);
  // Every key was evicted but those in memory; the memory store keeps the last 10,000 evicted.
  const discarded = await metric(pipeline, "streaming_tda_evicted_state_discarded_total");
  assert.equal(discarded, 10_500 - runner.liveKeys - 10_000);
  const warned = warnings.map((l) => JSON.parse(l)).filter((e) => e.msg.startsWith("evicted keys' state discarded"));
  assert.equal(warned.length, 1, warnings.join(""));
  assert.equal(warned[0].level, "warn");
  assert.ok(warned[0].discardedSoFar > 0 && warned[0].discardedSoFar <= discarded);
});

test("a store found damaged while serving takes the service out of readiness", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-memory-"));
  const storePath = join(dir, "s.db");
  // A history larger than SQLite's page cache, so that reads reach the file.
  const filler = new SqliteStateStore(storePath);
  const results: OutputRecord[] = [];
  for (let k = 0; k < 200; k++) {
    for (let i = 0; i < 40; i++) results.push({ type: "window", id: `k${k}|s|${i}`, key: `k${k}`, end: i, anomaly: false, note: "x".repeat(500) } as unknown as OutputRecord);
  }
  await filler.appendResults(results);
  await filler.close();
  const input = join(dir, "e.jsonl");
  writeFileSync(input, distinctKeys(3));
  const pipeline = await startPipeline(
    config({
      source: { type: "file", path: input, follow: true },
      sink: { type: "none" },
      store: { path: storePath },
      http: { port: 0, host: "127.0.0.1" },
      runner: { workers: 0 },
    }),
    { logger: createLogger({ level: "silent" }) },
  );
  const base = `http://127.0.0.1:${pipeline.port}`;
  try {
    const before = await fetch(base + "/ready");
    assert.equal(before.status, 200, JSON.stringify(await before.json()));
    const size = statSync(storePath).size;
    const fd = openSync(storePath, "r+");
    writeSync(fd, Buffer.alloc(size / 2, 0x5a), 0, size / 2, 256 * 4096);
    closeSync(fd);
    const statuses = new Set<number>();
    for (let k = 0; k < 200; k++) statuses.add((await fetch(`${base}/api/keys/k${k}/history?from=0&to=100`)).status);
    assert.ok(statuses.has(500), `some history queries fail on the damage: ${[...statuses]}`);
    const after = await fetch(base + "/ready");
    const body = (await after.json()) as { checks: Record<string, boolean> };
    assert.equal(after.status, 503);
    assert.equal(body.checks.storeReachable, false, JSON.stringify(body));
  } finally {
    await pipeline.stop();
  }
});

/**
 * Memory bounded by the settings whatever the keys: stream.maxKeys caps the keys in memory
 * across every shard, evicted keys' states waiting for a checkpoint cannot pile up past it,
 * and without a durable store the states beyond what it keeps are counted and warned about.
 * The figures (peak RSS for up to a million keys) are bench/keys.ts's.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
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

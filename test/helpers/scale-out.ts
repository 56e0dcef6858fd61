/** Shared by the scale-out tests: input, the embedded pipeline's results on it, and waiting. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { FileSource } from "../../src/adapters/sources/file-source.ts";
import { MemoryStateStore } from "../../src/adapters/store/memory-store.ts";
import type { OutputRecord, Sink } from "../../src/adapters/types.ts";
import { createLogger } from "../../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../../src/service/runtime/metrics.ts";
import { PipelineRunner } from "../../src/service/runtime/runner.ts";
import type { StreamConfig } from "../../src/stream/types.ts";

/** Small windows, so that a few thousand events make hundreds of results quickly. */
export const SCALE_OUT_STREAM: StreamConfig = { scales: [{ size: 16, slide: 4 }], maxDim: 1 };

/** `perKey` events for each of `keys` keys, interleaved: points on a noisy circle. */
export function circleEvents(keys: number, perKey: number, seed = 1): Array<{ key: string; value: string }> {
  const out: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < perKey; i++) {
    for (let k = 0; k < keys; k++) {
      const key = `sensor-${k}`;
      const t = ((i * 2.399 + k * 0.7 + seed) % (2 * Math.PI));
      const r = 1 + 0.05 * Math.sin(i * 7.1 + k);
      out.push({ key, value: JSON.stringify({ key, ts: 1_700_000_000_000 + i * 10, value: [r * Math.cos(t), r * Math.sin(t), 0.01 * k] }) });
    }
  }
  return out;
}

/** Inputs a pipeline must dead-letter and go on: one of each kind. */
export const POISON: Array<{ key: string; value: Buffer; reason: string }> = [
  { key: "p1", value: Buffer.from("{not json"), reason: "parse_error" },
  { key: "p2", value: Buffer.from([0xff, 0xfe, 0x00, 0x01]), reason: "parse_error" },
  { key: "p3", value: Buffer.alloc(0), reason: "parse_error" },
  { key: "p4", value: Buffer.from('{"key":"p4","ts":1}'), reason: "missing_field" },
  { key: "p5", value: Buffer.from('{"key":"p5","ts":"soon","value":1}'), reason: "bad_type" },
  { key: "p6", value: Buffer.from('{"key":"p6","ts":1,"value":[1,"2",3]}'), reason: "bad_type" },
  { key: "p7", value: Buffer.from('{"key":"p7","ts":1,"value":[1,1e999,0]}'), reason: "not_finite" },
  { key: "p11", value: Buffer.from('{"key":"p11","ts":1,"value":[1e300,0,0]}'), reason: "out_of_range" },
  { key: "p8", value: Buffer.from(JSON.stringify({ key: "p8", ts: 1, value: Array(100).fill(1) })), reason: "too_large" },
  { key: "p9", value: Buffer.from(JSON.stringify({ key: "x".repeat(300), ts: 1, value: [1, 2, 3] })), reason: "key_too_long" },
  { key: "p10", value: Buffer.from(`{"key":"p10","ts":1,"value":[${"1,".repeat(40_000)}1]}`), reason: "too_large" },
];

class CollectingSink implements Sink {
  readonly kind = "collect";
  records: OutputRecord[] = [];
  async write(records: readonly OutputRecord[]): Promise<void> {
    this.records.push(...records);
  }
  async close(): Promise<void> {}
}

/** What the embedded pipeline (a file in, memory store) produces from the same events. */
export async function embeddedResults(events: Array<{ value: string | Buffer }>, stream = SCALE_OUT_STREAM): Promise<OutputRecord[]> {
  const dir = mkdtempSync(join(tmpdir(), "stda-embedded-"));
  const path = join(dir, "events.jsonl");
  writeFileSync(path, events.map((e) => e.value.toString()).join("\n") + "\n");
  const sink = new CollectingSink();
  const runner = new PipelineRunner({
    stream,
    source: new FileSource({ path, format: "json" }),
    sinks: [sink],
    store: new MemoryStateStore(),
    workers: 0,
    checkpointIntervalMs: 60_000,
    maxInFlight: 4096,
    metrics: new PipelineMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: "silent" }),
  });
  try {
    await runner.start();
    await runner.done;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return sink.records;
}

/** Window results by id; a result seen twice must be the same both times. */
export function windowsById(records: readonly OutputRecord[]): Map<string, string> {
  const byId = new Map<string, string>();
  for (const r of records) {
    if (r.type !== "window") continue;
    const json = JSON.stringify(r);
    const earlier = byId.get(r.id);
    if (earlier !== undefined && earlier !== json) throw new Error(`result ${r.id} was produced twice with different contents`);
    byId.set(r.id, json);
  }
  return byId;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The value of one sample in Prometheus text, named with its labels as exported (`name{a="b"}`); NaN when absent. */
export function metricSample(text: string, sample: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? NaN : Number(line.slice(sample.length + 1));
}

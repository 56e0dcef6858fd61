/**
 * A processor restored from a snapshot (through JSON, as a store would keep it) continues
 * exactly as the uninterrupted one: same outputs, same ids, same counts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamProcessor } from "../src/stream/processor.ts";
import { demoData } from "../src/adapters/demo/generator.ts";
import type { OutputRecord, StreamConfig, StreamState } from "../src/stream/types.ts";

test("snapshot and restore mid-stream continue identically to an uninterrupted run", () => {
  const config: StreamConfig = {
    scales: [{ size: 24, slide: 4 }, { durationMs: 150, slideMs: 50 }],
    maxDim: 1,
    allowedLatenessMs: 30,
    detector: { warmup: 5 },
  };
  const data = demoData({ eventsPerKey: 260, changingKeys: 2, stableKeys: 1, brokenRate: 0.04 });
  // Shuffle event times a little within each key, so the reorder buffer holds events at the cuts.
  const records = data.events.map((e, i) => ({ raw: i % 7 === 3 ? e.line.replace(`"ts":${e.ts}`, `"ts":${e.ts - 25}`) : e.line, source: { kind: "demo" as const, index: e.index } }));

  const uninterrupted = new StreamProcessor(config);
  const expected: OutputRecord[] = [];
  for (const r of records) expected.push(...uninterrupted.ingest(r));

  const cuts = [137, Math.floor(records.length / 2), Math.floor(records.length * 0.8), records.length - 5];
  let processor = new StreamProcessor(config);
  const actual: OutputRecord[] = [];
  let bufferedAtACut = false;
  let from = 0;
  for (const cut of cuts) {
    for (let i = from; i < cut; i++) actual.push(...processor.ingest(records[i]));
    if (processor.counts().buffered > 0) bufferedAtACut = true;
    const saved = JSON.parse(JSON.stringify(processor.snapshot())) as StreamState;
    processor = StreamProcessor.restore(config, saved);
    from = cut;
  }
  for (let i = from; i < records.length; i++) actual.push(...processor.ingest(records[i]));

  assert.ok(bufferedAtACut, "a cut fell while events were buffered");
  assert.ok(expected.some((o) => o.type === "feature_birth"), "feature events are part of the comparison");
  assert.ok(expected.some((o) => o.type === "window" && o.score !== null), "scores are part of the comparison");
  assert.ok(expected.some((o) => o.type === "window" && o.scale === "150ms/50ms"));
  assert.equal(actual.length, expected.length);
  assert.deepEqual(actual, expected);
  assert.deepEqual(processor.counts(), uninterrupted.counts());
  assert.deepEqual(processor.flush(), uninterrupted.flush());
});

test("a snapshot of another version is refused with a clear message", () => {
  assert.throws(
    () => StreamProcessor.restore({ scales: [{ size: 4, slide: 1 }] }, { version: 2 } as unknown as StreamState),
    /version 2 is not 1/,
  );
});

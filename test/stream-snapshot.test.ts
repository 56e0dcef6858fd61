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

/** A snapshot whose recent diagrams are diagram JSON (`{"0": [[b, d], …]}`), as checkpoints held them before they were flat. */
function withDiagramJson(state: StreamState): StreamState {
  const copy = structuredClone(state);
  for (const key of Object.values(copy.keys)) {
    for (const scale of Object.values(key.scales)) {
      for (const r of scale.recent) {
        const flat = r.diagrams as Array<Array<number | null>>;
        r.diagrams = Object.fromEntries(flat.map((pairs, dim) => [String(dim), Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i] as number, pairs[2 * i + 1]])]));
      }
    }
  }
  return copy;
}

test("recent diagrams are flat lists in a snapshot; a snapshot with them as diagram JSON restores to the same continuation", () => {
  const config: StreamConfig = { scales: [{ size: 24, slide: 4 }], maxDim: 1, detector: { warmup: 3 } };
  const records = demoData({ eventsPerKey: 200, changingKeys: 1, stableKeys: 1, brokenRate: 0 }).events.map((e) => ({ raw: e.line, source: { kind: "demo" as const, index: e.index } }));
  const cut = Math.floor(records.length / 2);
  const first = new StreamProcessor(config);
  for (const r of records.slice(0, cut)) first.ingest(r);
  const state = first.snapshot();
  const recent = Object.values(state.keys)[0].scales["24/4"].recent;
  assert.ok(recent.length > 1);
  for (const r of recent) {
    assert.ok(Array.isArray(r.diagrams) && r.diagrams.length === 2, "one list per dimension");
    for (const pairs of r.diagrams as unknown[][]) assert.ok(pairs.every((v) => v === null || typeof v === "number"), "births and deaths, null for infinity");
  }
  assert.ok((recent[0].diagrams as Array<Array<number | null>>)[0].includes(null), "H0's infinite interval is kept");

  const continueFrom = (s: StreamState) => {
    const p = StreamProcessor.restore(config, JSON.parse(JSON.stringify(s)) as StreamState);
    return records.slice(cut).flatMap((r) => p.ingest(r));
  };
  const expected = records.slice(cut).flatMap((r) => first.ingest(r));
  assert.ok(expected.some((o) => o.type === "window" && o.score !== null), "scores, which read the recent diagrams, are compared");
  assert.deepEqual(continueFrom(state), expected);
  assert.deepEqual(continueFrom(withDiagramJson(state)), expected);
});

test("a snapshot with a malformed flat diagram is refused, naming the dimension and the interval", () => {
  const config: StreamConfig = { scales: [{ size: 8, slide: 2 }], maxDim: 1 };
  const p = new StreamProcessor(config);
  for (let i = 0; i < 40; i++) p.ingest({ raw: JSON.stringify({ key: "k", ts: i, value: [Math.cos(i), Math.sin(i)] }), source: { kind: "demo", index: i } });
  const state = p.snapshot();
  const recent = state.keys.k.scales["8/2"].recent;
  (recent[recent.length - 1].diagrams as Array<Array<number | null>>)[0].push(0.5);
  assert.throws(() => StreamProcessor.restore(config, state), /stream state: dimension 0 is not a list of births and deaths/);
  (recent[recent.length - 1].diagrams as Array<Array<number | null>>)[0].push(0.25);
  assert.throws(() => StreamProcessor.restore(config, state), /stream state: dimension 0, interval \d+: \[0\.5, 0\.25\] is not an interval/);
});

/**
 * Per-window features and feature events: a persistent loop keeps one id; when the shape
 * changes, its death and the new loops' births are reported. Config errors name the field.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamProcessor } from "../src/stream/processor.ts";
import type { FeatureEvent, OutputRecord, WindowResult } from "../src/stream/types.ts";
import { TdaInputError } from "../src/tda/types.ts";

function circle(i: number, cx: number, r: number): number[] {
  const angle = (i * 2.399963) % (2 * Math.PI); // golden angle: evenly spread, never repeating
  return [cx + r * Math.cos(angle), r * Math.sin(angle), 0];
}

test("a loop keeps its feature id from window to window; a change kills it and gives births", () => {
  const processor = new StreamProcessor({ scales: [{ size: 40, slide: 5 }], maxDim: 1 });
  const outs: OutputRecord[] = [];
  for (let i = 0; i < 200; i++) {
    const value = i < 100 ? circle(i, 0, 1) : circle(i, i % 2 === 0 ? -1.5 : 1.5, 0.5);
    outs.push(...processor.ingest({ raw: { key: "k", ts: i, value }, source: { kind: "demo", index: i } }));
  }
  const events = outs.filter((o): o is FeatureEvent => o.type.startsWith("feature_"));
  const windows = outs.filter((o): o is WindowResult => o.type === "window");
  const firstBirth = events[0];
  assert.equal(firstBirth.type, "feature_birth");
  assert.equal(firstBirth.featureId, "k|40/5|h1#0");
  assert.equal(firstBirth.windowId, windows[0].id);
  assert.equal(firstBirth.dim, 1);
  // While the window is all circle (windows ending at seq ≤ 99), no other H1 event.
  const beforeChange = events.filter((e) => e.lastSeq <= 99);
  assert.deepEqual(beforeChange.map((e) => [e.type, e.featureId]), [["feature_birth", "k|40/5|h1#0"]]);
  const death = events.find((e) => e.type === "feature_death" && e.featureId === "k|40/5|h1#0");
  assert.ok(death !== undefined && death.lastSeq > 99, "the circle's loop dies after the change");
  // Once the window is all two circles (seq ≥ 139), two loops are tracked.
  const births = events.filter((e) => e.type === "feature_birth" && e.lastSeq >= 100);
  assert.ok(births.length >= 2, `births after the change: ${births.length}`);
  const last = windows[windows.length - 1];
  assert.equal(last.features["h1.count"], 2);
  assert.equal(last.features["h0.count"], 40, "39 finite H0 intervals and one essential");
  assert.ok(last.features["h1.total_persistence"] > 0);
  assert.ok(last.features["h1.entropy"] > 0.9 && last.features["h1.entropy"] <= 1, "two loops of about equal size: entropy near 1 bit");
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, "event ids are unique");
});

test("bad configs are refused with the field named", () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ scales: [] }, /scales: must list at least 1/],
    [{ scales: [{ size: 0, slide: 1 }] }, /scales\[0\]\.size/],
    [{ scales: [{ durationMs: 100, slideMs: -1 }] }, /scales\[0\]\.slideMs/],
    [{ scales: [{ size: 8, slide: 1 }, { size: 8, slide: 1 }] }, /scales\[1\]\.name: must differ from the other scales' names, got "8\/1"/],
    [{ scales: [{ size: 8, slide: 1 }], modulus: 4 }, /modulus: must be a prime, got 4/],
    [{ scales: [{ size: 8, slide: 1 }], latePolicy: "later" }, /latePolicy/],
    [{ scales: [{ size: 8, slide: 1 }], features: ["betti"] }, /features\[0\]: must be one of count, total_persistence, entropy, got "betti"/],
    [{ scales: [{ size: 8, slide: 1 }], threshold: -1 }, /threshold/],
    [{ scales: [{ size: 8, slide: 1 }], limits: { minValue: 5, maxValue: 1 } }, /limits\.minValue: must not be above limits\.maxValue \(1\), got 5/],
  ];
  for (const [config, message] of cases) {
    assert.throws(() => new StreamProcessor(config as never), (error: unknown) => error instanceof TdaInputError && message.test(error.message), JSON.stringify(config));
  }
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { outputJson, outputText } from "../src/adapters/output-json.ts";
import { windowsFromText, windowsToText } from "../src/service/runtime/window-text.ts";
import { StreamProcessor } from "../src/stream/processor.ts";
import type { OutputRecord, RawRecord, WindowResult } from "../src/stream/types.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";

/** Outputs of every kind: windows (with projections), feature events and dead letters. */
function outputs(): OutputRecord[] {
  const random = seededRandom(3);
  const records: RawRecord[] = [];
  for (let i = 0; i < 400; i++) {
    const t = i * 0.3;
    const raw = i % 50 === 7 ? `{"key":"a","ts":${i},"value":"broken"}` : JSON.stringify({ key: i % 2 ? "a" : "b", ts: i, value: [Math.cos(t) + 0.1 * random(), Math.sin(t) + 0.1 * random()] });
    records.push({ raw, format: "json", source: { kind: "demo", index: i } });
  }
  const processor = new StreamProcessor({ scales: [{ size: 32, slide: 4 }], maxDim: 1, projection: true });
  return processor.ingestBatch(records);
}

test("window results cross from a worker as text and come back the same: their JSON, fields, diagrams and features", () => {
  const original = outputs();
  const kinds = new Set(original.map((o) => o.type));
  assert.ok(kinds.has("window") && kinds.has("dead_letter") && [...kinds].some((k) => k.startsWith("feature_")), [...kinds].join());
  const sent = structuredClone(original);
  windowsToText(sent);
  // What crosses the thread boundary: the message is cloned, as postMessage does.
  const received = structuredClone(sent);
  for (const o of received) if (o.type === "window") assert.equal("diagrams" in o, false, "the diagrams travel only in the text");
  windowsFromText(received);
  assert.equal(received.length, original.length);
  received.forEach((got, i) => {
    const want = original[i];
    assert.equal(JSON.stringify(got), JSON.stringify(want), `output ${i} as JSON`);
    assert.equal(outputText(got), JSON.stringify(want));
    assert.deepEqual(outputJson(got), Buffer.from(JSON.stringify(want)));
    if (want.type !== "window") {
      assert.deepEqual(got, want, `output ${i} (${want.type}) is passed as it is`);
      return;
    }
    const window = got as WindowResult;
    for (const field of ["id", "key", "scale", "start", "end", "firstSeq", "lastSeq", "points", "threshold", "distance", "referenceDistance", "score", "anomaly"] as const) {
      assert.equal(window[field], want[field], `output ${i}: ${field}`);
    }
    assert.deepEqual(window.diagrams, want.diagrams);
    assert.deepEqual(window.features, want.features);
    assert.deepEqual(window.projection, want.projection);
  });
});

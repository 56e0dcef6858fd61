/**
 * The stream processor on a long demo stream (noisy loops that change shape, broken events
 * among them), S2's scale: window 128, slide 8, H0 and H1 at the exact threshold.
 * - Every window's diagrams equal, byte for byte as emitted, those of ripsPersistence
 *   recomputed from scratch on the window's points.
 * - Every output (window results with their distances, scores and flags, feature events,
 *   dead letters) is the same as recorded in test/fixtures/stream: a change that speeds the
 *   stream up must not move a single bit of what it emits.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { demoEvents } from "../src/adapters/demo/generator.ts";
import { StreamProcessor } from "../src/stream/processor.ts";
import type { OutputRecord, StreamConfig, WindowResult } from "../src/stream/types.ts";
import { diagramsToJson } from "../src/tda/diagram-json.ts";
import { ripsPersistence } from "../src/tda/rips.ts";
import type { Interval } from "../src/tda/types.ts";

const CONFIG: StreamConfig = { scales: [{ size: 128, slide: 8 }], maxDim: 1 };
const STREAM = { seed: 3, changingKeys: 2, stableKeys: 2, eventsPerKey: 2000 };
const RECORDED = new URL("fixtures/stream/demo-s2-outputs.json", import.meta.url);

interface Recorded {
  events: number;
  windows: number;
  featureEvents: number;
  deadLetters: number;
  anomalies: number;
  sha256: string;
}

function byBirthThenDeath(p: Interval, q: Interval): number {
  return p[0] - q[0] || (p[1] === q[1] ? 0 : p[1] < q[1] ? -1 : 1);
}

test("a long stream: every window equals ripsPersistence from scratch, and every output is as recorded", () => {
  const processor = new StreamProcessor(CONFIG);
  const points = new Map<string, number[][]>();
  const digest = createHash("sha256");
  const seen: Recorded = { events: 0, windows: 0, featureEvents: 0, deadLetters: 0, anomalies: 0, sha256: "" };
  for (const event of demoEvents(STREAM)) {
    seen.events++;
    if (event.broken === null) {
      const { key, value } = JSON.parse(event.line) as { key: string; value: number[] };
      const list = points.get(key) ?? [];
      list.push(value);
      points.set(key, list);
    }
    const outputs: OutputRecord[] = processor.ingest({ raw: event.line, format: "json", source: { kind: "demo", index: event.index } });
    for (const out of outputs) {
      digest.update(JSON.stringify(out) + "\n");
      if (out.type === "dead_letter") seen.deadLetters++;
      else if (out.type === "window") {
        const window = out as WindowResult;
        seen.windows++;
        if (window.anomaly) seen.anomalies++;
        // A key's valid events are its sequence numbers, in order.
        const own = points.get(window.key)!.slice(window.firstSeq, window.lastSeq + 1);
        const scratch = ripsPersistence(own, { maxDim: 1 }).diagrams;
        for (const intervals of scratch) intervals.sort(byBirthThenDeath);
        assert.equal(JSON.stringify(window.diagrams), JSON.stringify(diagramsToJson(scratch)), `window ${window.id}`);
      } else seen.featureEvents++;
    }
  }
  seen.sha256 = digest.digest("hex");
  const recorded = JSON.parse(readFileSync(RECORDED, "utf8")) as Recorded;
  assert.ok(seen.windows > 800 && seen.featureEvents > 0 && seen.deadLetters > 0 && seen.anomalies > 0, `the stream exercises every output kind: ${JSON.stringify(seen)}`);
  assert.deepEqual(seen, recorded);
});

/**
 * Change detection on the demo generator's data: every topology change flagged within two
 * window lengths, false alarms on stable keys in at most 0.5% of their windows. Two scales
 * run side by side on the same stream. Prints the figures (the README quotes them).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamProcessor } from "../src/stream/processor.ts";
import { demoData } from "../src/adapters/demo/generator.ts";
import type { StreamConfig, WindowResult } from "../src/stream/types.ts";
import { medianOf } from "../src/stream/detector.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";

test("demo data: every change flagged within two window lengths, false alarms on stable keys ≤ 0.5%", () => {
  const scales = [
    { name: "128/16", size: 128, slide: 16 },
    { name: "64/8", size: 64, slide: 8 },
  ];
  // A shorter warm-up than the default 30, so the first change (a third into the stream) is scored.
  const config: StreamConfig = { scales, maxDim: 1, detector: { warmup: 20 } };
  const data = demoData({ seed: 4, eventsPerKey: 2100, changingKeys: 3, stableKeys: 3 });
  const processor = new StreamProcessor(config);
  const results: WindowResult[] = [];
  for (const event of data.events) {
    for (const out of processor.ingest({ raw: event.line, source: { kind: "demo", index: event.index } })) {
      if (out.type === "window") results.push(out);
    }
  }
  for (const { name, size } of scales) {
    const windows = results.filter((w) => w.scale === name);
    const delays: number[] = [];
    for (const change of data.changes) {
      // The first flagged window that contains a point of the new shape.
      const flagged = windows.find((w) => w.key === change.key && w.anomaly && w.lastSeq >= change.seq);
      const delay = flagged === undefined ? Infinity : flagged.lastSeq - change.seq;
      delays.push(delay);
      assert.ok(delay <= 2 * size, `${name}: ${change.key}: change to ${change.to} at seq ${change.seq} flagged ${delay} events later (limit ${2 * size})`);
    }
    const stable = windows.filter((w) => data.stableKeys.includes(w.key));
    const scored = stable.filter((w) => w.score !== null);
    const falseAlarms = stable.filter((w) => w.anomaly).length;
    const rate = falseAlarms / stable.length;
    const maxDelay = Math.max(...delays);
    const meanDelay = delays.reduce((a, b) => a + b, 0) / delays.length;
    console.log(
      `detection (window ${name}): ${data.changes.length}/${data.changes.length} changes flagged, ` +
        `largest delay ${maxDelay} events = ${(maxDelay / size).toFixed(2)} window lengths (mean ${(meanDelay / size).toFixed(2)}); ` +
        `false alarms on stable keys ${falseAlarms}/${stable.length} windows = ${(100 * rate).toFixed(2)}% (${scored.length} scored)`,
    );
    assert.ok(scored.length > 200, `${name}: scored stable windows ${scored.length}`);
    assert.ok(rate <= 0.005, `${name}: false alarm rate ${rate}`);
  }
});

test("the detector's median and median absolute deviation equal a sort's, with ties and both parities", () => {
  const random = seededRandom(5);
  const sortedMedian = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const n = s.length;
    return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  };
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(random() * 60);
    // Few distinct values in some trials: many ties.
    const distinct = trial % 3 === 0 ? 3 : 1000;
    const values = Array.from({ length: n }, () => Math.floor(random() * distinct) / 7);
    const before = [...values];
    const median = medianOf(values, 0);
    assert.equal(median, sortedMedian(values), `trial ${trial}`);
    assert.equal(medianOf(values, median, true), sortedMedian(values.map((v) => Math.abs(v - median))), `trial ${trial}, deviation`);
    assert.deepEqual(values, before, "the values are left as they were");
  }
});

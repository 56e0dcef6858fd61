/**
 * Windows: count and time windows slide as documented, several scales at once, late events
 * follow the policy, the landmark cap holds, and idle keys are evicted and come back.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamProcessor } from "../src/stream/processor.ts";
import { maxminLandmarks } from "../src/tda/landmarks.ts";
import { ripsPersistence } from "../src/tda/rips.ts";
import { diagramsFromJson, diagramsToJson } from "../src/tda/diagram-json.ts";
import { bottleneckDistance } from "../src/tda/distance/bottleneck.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import type { DeadLetter, KeyState, OutputRecord, StreamConfig, WindowResult } from "../src/stream/types.ts";

function feed(processor: StreamProcessor, events: Array<[key: string, ts: number, value: number[]]>): OutputRecord[] {
  const outs: OutputRecord[] = [];
  events.forEach(([key, ts, value], i) => outs.push(...processor.ingest({ raw: { key, ts, value }, source: { kind: "demo", index: i } })));
  return outs;
}

function windows(outs: OutputRecord[], scale?: string): WindowResult[] {
  return outs.filter((o): o is WindowResult => o.type === "window" && (scale === undefined || o.scale === scale));
}

function line(n: number, key = "k", t0 = 0, step = 10): Array<[string, number, number[]]> {
  return Array.from({ length: n }, (_, i) => [key, t0 + i * step, [i, (i * i) % 7]]);
}

function counts(processor: StreamProcessor): void {
  const c = processor.counts();
  assert.equal(c.received, c.processed + c.deadLettered + c.dropped + c.buffered, JSON.stringify(c));
}

test("count windows: first at `size` points, then every `slide`, holding the last `size` points", () => {
  const processor = new StreamProcessor({ scales: [{ size: 10, slide: 3 }, { name: "big", size: 20, slide: 20 }], maxDim: 1 });
  const outs = feed(processor, line(45));
  const small = windows(outs, "10/3");
  assert.deepEqual(small.map((w) => [w.firstSeq, w.lastSeq]), [[0, 9], [3, 12], [6, 15], [9, 18], [12, 21], [15, 24], [18, 27], [21, 30], [24, 33], [27, 36], [30, 39], [33, 42]]);
  assert.deepEqual(small.map((w) => w.points), small.map(() => 10));
  assert.deepEqual(small[1].id, "k|10/3|12");
  assert.equal(small[1].start, 30);
  assert.equal(small[1].end, 120);
  const big = windows(outs, "big");
  assert.deepEqual(big.map((w) => [w.firstSeq, w.lastSeq, w.id]), [[0, 19, "k|big|19"], [20, 39, "k|big|39"]]);
  assert.equal(small[0].distance, null, "no previous window");
  assert.equal(typeof small[1].distance, "number");
  assert.equal(small[3].referenceDistance, null, "windows 0..2 all overlap window 3");
  assert.equal(typeof small[4].referenceDistance, "number", "window 0 (0..9) does not overlap window 4 (12..21)");
  counts(processor);
});

test("time windows: [k·slide, k·slide + duration), emitted when event time passes the end, empty ones skipped", () => {
  const processor = new StreamProcessor({ scales: [{ durationMs: 100, slideMs: 50 }], maxDim: 0 });
  const events: Array<[string, number, number[]]> = [
    ["k", 10, [0, 0]],
    ["k", 60, [1, 0]], // closes [-50,50)
    ["k", 99, [2, 0]],
    ["k", 100, [3, 0]], // closes [0,100)
    ["k", 149, [4, 0]],
    ["k", 400, [5, 0]], // closes [50,150), [100,200); [150,250)…[250,350) are empty; [300,400) empty too
    ["k", 460, [6, 0]],
    ["k", 500, [7, 0]], // closes [350,450) and [400,500)
  ];
  const ws = windows(feed(processor, events));
  assert.deepEqual(
    ws.map((w) => [w.start, w.end, w.firstSeq, w.lastSeq, w.points]),
    [
      [-50, 50, 0, 0, 1],
      [0, 100, 0, 2, 3],
      [50, 150, 1, 4, 4],
      [100, 200, 3, 4, 2],
      [350, 450, 5, 5, 1],
      [400, 500, 5, 6, 2],
    ],
  );
  assert.equal(ws[1].id, "k|100ms/50ms|2@0");
  counts(processor);
});

test("end of input: flush(true) emits the open time windows; flush() leaves them open", () => {
  const config: StreamConfig = { scales: [{ durationMs: 100, slideMs: 50 }, { size: 10, slide: 10 }], maxDim: 0 };
  const events: Array<[string, number, number[]]> = [["k", 10, [0, 0]], ["k", 60, [1, 0]], ["k", 120, [2, 0]]];
  const open = new StreamProcessor(config);
  feed(open, events);
  assert.deepEqual(open.flush(), []);
  const closing = new StreamProcessor(config);
  const before = windows(feed(closing, events));
  assert.deepEqual(before.map((w) => [w.start, w.end]), [[-50, 50], [0, 100]]);
  const closed = windows(closing.flush(true));
  assert.deepEqual(closed.map((w) => [w.start, w.end, w.firstSeq, w.lastSeq]), [[50, 150, 1, 2], [100, 200, 2, 2]]);
  assert.deepEqual(closing.flush(true), [], "nothing is emitted twice");
  counts(closing);
});

test("late events: dead-lettered or dropped by policy, and always counted", () => {
  const events: Array<[string, number, number[]]> = [
    ["k", 100, [0, 0]],
    ["k", 200, [1, 0]],
    ["k", 150, [2, 0]], // late: an event at 200 is already placed
    ["j", 50, [0, 1]], // another key has its own watermark
    ["k", 200, [3, 0]], // equal time is not late
  ];
  const deadLetter = new StreamProcessor({ scales: [{ size: 2, slide: 1 }] });
  const outs = feed(deadLetter, events);
  const letters = outs.filter((o): o is DeadLetter => o.type === "dead_letter");
  assert.deepEqual(letters.map((l) => [l.reason, l.key]), [["late", "k"]]);
  assert.deepEqual(deadLetter.counts().late, 1);
  counts(deadLetter);

  const drop = new StreamProcessor({ scales: [{ size: 2, slide: 1 }], latePolicy: "drop" });
  const dropped = feed(drop, events);
  assert.equal(dropped.filter((o) => o.type === "dead_letter").length, 0);
  assert.equal(drop.counts().dropped, 1);
  assert.equal(drop.counts().late, 1);
  counts(drop);
});

test("allowed lateness: events up to that far out of order are placed in event-time order", () => {
  const config: StreamConfig = { scales: [{ size: 3, slide: 1 }], allowedLatenessMs: 50, maxDim: 0 };
  const processor = new StreamProcessor(config);
  const outs: OutputRecord[] = [];
  const send = (ts: number, x: number) => outs.push(...processor.ingest({ raw: { key: "k", ts, value: [x, 0] }, source: { kind: "demo", index: ts } }));
  send(100, 1);
  send(130, 3);
  send(110, 2); // out of order by 20 ms: buffered, placed before 130
  assert.equal(processor.counts().buffered, 3, "nothing is 50 ms behind the largest time yet");
  counts(processor);
  send(200, 4); // watermark 150: releases 100, 110, 130
  assert.equal(processor.counts().buffered, 1);
  send(120, 9); // behind the placed 130: late
  counts(processor);
  const ws = windows(outs);
  assert.equal(ws.length, 1);
  assert.deepEqual([ws[0].start, ws[0].end, ws[0].firstSeq, ws[0].lastSeq], [100, 130, 0, 2]);
  // Points 1, 2, 3 on a line: H0 deaths 1 and 1 (it would be 1 and 2 had 130 come before 110 and the window been (1, 3, …)).
  assert.deepEqual(ws[0].diagrams["0"], [[0, 1], [0, 1], [0, null]]);
  assert.equal(outs.filter((o) => o.type === "dead_letter" && o.reason === "late").length, 1);
  const flushed = processor.flush();
  assert.equal(windows(flushed).length, 1, "flushing places 200, completing the next window");
  assert.equal(processor.counts().buffered, 0);
  counts(processor);
});

test("points per window are capped by maxmin landmarks, and the diagrams are the landmarks' diagrams", () => {
  const processor = new StreamProcessor({ scales: [{ size: 40, slide: 10 }], maxPointsPerWindow: 12, maxDim: 1 });
  const events = Array.from({ length: 60 }, (_, i) => ["k", i, [Math.cos(i), Math.sin(i)]] as [string, number, number[]]);
  const ws = windows(feed(processor, events));
  assert.equal(ws.length, 3);
  for (const w of ws) {
    assert.equal(w.points, 40);
    assert.equal(w.computedPoints, 12);
    assert.equal(w.diagrams["0"].length, 12, "one H0 interval per landmark (distinct points)");
    assert.equal(w.diagrams["1"].length >= 1, true, "the landmarks still see the circle");
    // The same landmarks (maxmin from the oldest point, coordinates as float32) through the batch engine.
    const points = Float32Array.from(events.slice(w.firstSeq, w.lastSeq + 1).flatMap((e) => e[2]));
    const chosen = Array.from(maxminLandmarks({ points, dimension: 2 }, { count: 12 }).indices).sort((a, b) => a - b);
    const landmarks = Float32Array.from(chosen.flatMap((i) => [points[2 * i], points[2 * i + 1]]));
    const expected = diagramsToJson(ripsPersistence({ type: "points", points: landmarks, dimension: 2 }, { maxDim: 1 }).diagrams);
    for (const dim of ["0", "1"]) {
      const sort = (list: Array<[number, number | null]>) => [...list].sort((p, q) => p[0] - q[0] || (p[1] ?? Infinity) - (q[1] ?? Infinity));
      assert.deepEqual(sort(w.diagrams[dim]), sort(expected[dim]), `${w.id} H${dim}`);
    }
  }
});

test("the landmark cap itself is bounded: a window's complex keeps its n²/2 edges, so more than 2896 points is refused by name", () => {
  assert.throws(
    () => new StreamProcessor({ scales: [{ size: 4000, slide: 10 }], maxPointsPerWindow: 3000 }),
    /stream config: maxPointsPerWindow: must be an integer from 2 to 2896, got 3000/,
  );
  assert.doesNotThrow(() => new StreamProcessor({ scales: [{ size: 4000, slide: 10 }], maxPointsPerWindow: 2896 }));
});

test("idle keys are evicted beyond maxKeys with their state, and restored ones continue exactly", () => {
  const config: StreamConfig = { scales: [{ size: 6, slide: 2 }], maxKeys: 2, maxDim: 1 };
  const evicted = new Map<string, KeyState>();
  const bounded = new StreamProcessor(config, {
    onEvict: (key, state) => evicted.set(key, JSON.parse(JSON.stringify(state)) as KeyState),
    loadKey: (key) => evicted.get(key),
  });
  const unbounded = new StreamProcessor({ ...config, maxKeys: 1000 });
  const events: Array<[string, number, number[]]> = [];
  for (let i = 0; i < 120; i++) events.push([`k${(i * 7) % 5}`, i * 10, [Math.cos(i), Math.sin(i * 1.3)]]);
  const a = feed(bounded, events);
  const b = feed(unbounded, events);
  assert.ok(bounded.liveKeys <= 2, `live keys ${bounded.liveKeys}`);
  assert.ok(evicted.size >= 3);
  assert.deepEqual(a, b, "eviction and reload change no output");
  counts(bounded);
  const manual = new StreamProcessor({ ...config, maxKeys: 1000 });
  feed(manual, events);
  const out = manual.evictIdle(1);
  assert.equal(out.length, 4);
  assert.equal(manual.liveKeys, 1);
  assert.equal(manual.hasKey(out[0].key), false);
  manual.restoreKey(out[0].key, out[0].state);
  assert.equal(manual.hasKey(out[0].key), true);
});

test("time windows keep at most maxRawPointsPerWindow points, thinning instead of growing", () => {
  const processor = new StreamProcessor({ scales: [{ durationMs: 1000, slideMs: 1000 }], maxRawPointsPerWindow: 16, maxDim: 0 });
  const outs = feed(processor, Array.from({ length: 250 }, (_, i) => ["k", i * 10, [i, 0]] as [string, number, number[]]));
  const ws = windows(outs);
  assert.equal(ws.length, 2);
  for (const w of ws) {
    assert.ok(w.points <= 16 && w.points >= 8, `points ${w.points}`);
    assert.equal(w.diagrams["0"].length, w.points);
  }
  // 100 points fell into [0, 1000): kept every other point twice over, then the newest.
  assert.equal(ws[0].firstSeq, 0);
  assert.equal(ws[0].lastSeq, 99);
  counts(processor);
});

test("distance and referenceDistance are the largest per-dimension bottleneck distances, H0 included", () => {
  // Noisy loops that grow and shrink: H0 and H1 both move, and either can be the larger.
  const processor = new StreamProcessor({ scales: [{ size: 40, slide: 5 }], maxDim: 1 });
  const uniform = seededRandom(7);
  const events: Array<[string, number, number[]]> = Array.from({ length: 400 }, (_, i) => {
    const radius = 1 + 0.5 * Math.sin(i / 40) + (i > 200 ? 0.3 * uniform() : 0);
    const t = uniform() * 2 * Math.PI;
    return ["k", i * 10, [radius * Math.cos(t) + 0.1 * uniform(), radius * Math.sin(t) + 0.1 * uniform()]];
  });
  const results = windows(feed(processor, events));
  const byLastSeq = new Map(results.map((w) => [w.lastSeq, w]));
  const exact = (a: WindowResult, b: WindowResult) => {
    const x = diagramsFromJson(a.diagrams);
    const y = diagramsFromJson(b.diagrams);
    return Math.max(bottleneckDistance(x[0], y[0]), bottleneckDistance(x[1], y[1]));
  };
  let h0Larger = 0;
  for (let k = 1; k < results.length; k++) {
    assert.equal(results[k].distance, exact(results[k - 1], results[k]), `window ${results[k].id}`);
    const x = diagramsFromJson(results[k - 1].diagrams);
    const y = diagramsFromJson(results[k].diagrams);
    if (bottleneckDistance(x[0], y[0]) > bottleneckDistance(x[1], y[1])) h0Larger++;
    // The reference is the latest earlier window sharing no point: 40 points back, 8 slides.
    const reference = byLastSeq.get(results[k].firstSeq - 1);
    if (reference) assert.equal(results[k].referenceDistance, exact(reference, results[k]), `reference of ${results[k].id}`);
  }
  assert.ok(h0Larger > 0 && h0Larger < results.length - 1, `H0 the larger in ${h0Larger} of ${results.length - 1}: both cases exercised`);
});

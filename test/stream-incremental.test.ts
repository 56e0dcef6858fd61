/**
 * The incremental window computation gives exactly what the batch engine gives from scratch
 * on the window's points: window by window, on random streams, for count and time windows,
 * full windows and windows with free slots, H1 and H2.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ripsPersistence } from "../src/tda/rips.ts";
import { StreamProcessor } from "../src/stream/processor.ts";
import { SlotComplex } from "../src/stream/slot-complex.ts";
import type { Diagrams } from "../src/tda/types.ts";
import type { DiagramsJson } from "../src/tda/diagram-json.ts";
import type { StreamConfig, WindowResult } from "../src/stream/types.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";


/** Diagrams as sorted lists of [birth, death|null] per dimension, for exact comparison. */
function canonical(diagrams: Diagrams | DiagramsJson, maxDim: number): Array<Array<[number, number | null]>> {
  const out: Array<Array<[number, number | null]>> = [];
  for (let d = 0; d <= maxDim; d++) {
    const intervals = (Array.isArray(diagrams) ? diagrams[d] : diagrams[String(d)]) ?? [];
    out.push(
      intervals
        .map(([b, x]) => [b, x === null || x === Infinity ? null : x] as [number, number | null])
        .sort((p, q) => p[0] - q[0] || (p[1] ?? Infinity) - (q[1] ?? Infinity)),
    );
  }
  return out;
}

function batch(points: number[][], maxDim: number, threshold?: number): Array<Array<[number, number | null]>> {
  const dimension = points[0].length;
  const flat = new Float32Array(points.length * dimension);
  points.forEach((p, i) => flat.set(p, i * dimension));
  const result = ripsPersistence({ type: "points", points: flat, dimension }, threshold === undefined ? { maxDim } : { maxDim, threshold });
  return canonical(result.diagrams, maxDim);
}

interface Sent {
  key: string;
  ts: number;
  value: number[];
}

/** Runs a random stream (clustered and looped points, with exact ties from a coarse grid) and checks every window. */
function checkStream(config: StreamConfig, seed: number, events: number, keys: number): number {
  const next = seededRandom(seed);
  const processor = new StreamProcessor(config);
  const maxDim = config.maxDim ?? 1;
  const sent = new Map<string, Sent[]>();
  let checked = 0;
  let ts = 0;
  for (let e = 0; e < events; e++) {
    const key = `k${Math.floor(next() * keys)}`;
    ts += 1 + Math.floor(next() * 20);
    const angle = next() * 2 * Math.PI;
    // Every third point on a grid of step 1/8: equal distances happen, so tie-breaking is exercised.
    const value = e % 3 === 0
      ? [Math.round(next() * 16) / 8, Math.round(next() * 16) / 8, 0]
      : [Math.cos(angle) + 0.1 * next(), Math.sin(angle) + 0.1 * next(), 0.2 * next()];
    const list = sent.get(key) ?? [];
    list.push({ key, ts, value });
    sent.set(key, list);
    for (const out of processor.ingest({ raw: { key, ts, value }, source: { kind: "demo", index: e } })) {
      if (out.type !== "window") continue;
      const window = out as WindowResult;
      // Events of a key arrive in order, so the per-key sequence number is the index in `list`.
      const points = list.slice(window.firstSeq, window.lastSeq + 1).map((s) => s.value);
      assert.equal(points.length, window.points, `${window.id}: window holds ${window.points} points`);
      assert.deepEqual(canonical(window.diagrams, maxDim), batch(points, maxDim, config.threshold), `window ${window.id}`);
      checked++;
    }
  }
  return checked;
}

test("count windows: incremental diagrams equal the batch engine's, window by window", () => {
  let checked = 0;
  checked += checkStream({ scales: [{ size: 24, slide: 1 }], maxDim: 1 }, 1, 600, 2);
  checked += checkStream({ scales: [{ size: 30, slide: 7 }, { size: 12, slide: 5 }], maxDim: 1 }, 2, 900, 3);
  checked += checkStream({ scales: [{ size: 16, slide: 3 }], maxDim: 2 }, 3, 400, 1);
  checked += checkStream({ scales: [{ size: 20, slide: 4 }], maxDim: 1, threshold: 0.6 }, 4, 400, 1);
  assert.ok(checked > 300, `checked ${checked} windows`);
});

test("time windows (free slots, relabelled points): incremental diagrams equal the batch engine's", () => {
  let checked = checkStream({ scales: [{ durationMs: 300, slideMs: 70 }], maxDim: 1 }, 5, 1200, 2);
  // Windows of about 70 points: the buffers grow from their initial 32.
  checked += checkStream({ scales: [{ durationMs: 800, slideMs: 200 }], maxDim: 1 }, 6, 700, 1);
  assert.ok(checked > 60, `checked ${checked} windows`);
});

test("slot complex: random removals and additions keep H0 and H1 equal to the batch engine's", () => {
  const next = seededRandom(7);
  const capacity = 20;
  const complex = new SlotComplex(capacity, 2);
  const points = new Map<number, number[]>();
  let seq = 0;
  for (let round = 0; round < 60; round++) {
    for (let s = 0; s < capacity; s++) {
      if (complex.slotSeq[s] >= 0 && next() < 0.3) {
        points.delete(complex.slotSeq[s]);
        complex.remove(s);
      }
    }
    const adds = Math.floor(next() * (capacity - complex.live + 1));
    for (let a = 0; a < adds; a++) {
      const p = [Math.round(next() * 12) / 4, Math.round(next() * 12) / 4];
      points.set(seq, p);
      complex.add(seq++, p, 0);
    }
    complex.commit();
    if (complex.live < 2) continue;
    // The batch input lists the points in slot order: that is the order the complex relabels them in.
    const inSlotOrder: number[][] = [];
    for (let s = 0; s < capacity; s++) if (complex.slotSeq[s] >= 0) inSlotOrder.push(points.get(complex.slotSeq[s])!);
    const { diagrams } = complex.compute(null, 1, 2);
    assert.deepEqual(canonical(diagrams, 1), batch(inSlotOrder, 1), `round ${round}`);
  }
});

test("slot complex: after every commit its edges are in filtration order (length ascending, ties by larger index first) and its radius is the enclosing radius", () => {
  const next = seededRandom(11);
  const capacity = 24;
  const complex = new SlotComplex(capacity, 2);
  const expected = (): number[] => {
    const edges: number[] = [];
    for (let i = 1; i < capacity; i++) {
      for (let j = 0; j < i; j++) if (complex.slotSeq[i] >= 0 && complex.slotSeq[j] >= 0) edges.push((i * (i - 1)) / 2 + j);
    }
    return edges.sort((a, b) => complex.distances[a] - complex.distances[b] || b - a);
  };
  let seq = 0;
  let checked = 0;
  for (let round = 0; round < 80; round++) {
    for (let s = 0; s < capacity; s++) if (complex.slotSeq[s] >= 0 && next() < 0.35) complex.remove(s);
    const adds = Math.floor(next() * (capacity - complex.live + 1));
    // Coordinates on a coarse grid, so many lengths tie (zero among them); a few rounds of one
    // repeated point, where every length is 0 and all of its bytes are shared; and a few far
    // points, whose lengths differ in their high bytes.
    const scale = round % 10 === 9 ? 1e6 : 1;
    for (let a = 0; a < adds; a++) {
      const p = round % 10 === 4 ? [1, 1] : [(Math.round(next() * 6) / 2) * scale, (Math.round(next() * 6) / 2) * scale];
      complex.add(seq++, p, 0);
    }
    complex.commit();
    assert.deepEqual(Array.from(complex.edgeOrder()), expected(), `round ${round}`);
    checked += complex.edgeOrder().length;
    // The enclosing radius kept by the commit is the batch engine's default threshold.
    const live: number[][] = [];
    for (let s = 0; s < capacity; s++) if (complex.slotSeq[s] >= 0) live.push([complex.coords[2 * s], complex.coords[2 * s + 1]]);
    if (live.length > 0) assert.equal(complex.compute(null, 0, 2).threshold, ripsPersistence(live, { maxDim: 0 }).threshold, `round ${round}`);
  }
  assert.ok(checked > 5000, `checked ${checked} edges`);
});

// The bottleneck distance of one-birth diagrams (Rips H0) by search with a greedy decision,
// against the table over all pairs (lineBottleneck) and against brute force over every
// matching: the same float, bit for bit, on random diagrams with ties, repeated deaths,
// zero-length points and essential classes; and the floor the stream's detector passes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bottleneckDistance, sortedMatchingBound } from "../src/tda/distance/index.ts";
import { lineBottleneck } from "../src/tda/distance/bottleneck-line.ts";
import { lineDistanceAbove, sortedLineBottleneck } from "../src/tda/distance/bottleneck-line-search.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import type { Interval } from "../src/tda/types.ts";


/** Deaths ascending for one birth; `grid` > 0 draws from few values (ties, repeats, zero lengths). */
function deaths(random: () => number, count: number, birth: number, grid: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = birth + (grid > 0 ? Math.floor(random() * grid) / grid : random() * random() * 3);
  return out.sort();
}

function table(a: Float64Array, b: Float64Array, birth: number): number {
  return lineBottleneck(new Float64Array(a.length).fill(birth), a, new Float64Array(b.length).fill(birth), b, false).distance;
}

/** min over all matchings of the largest cost, trying every assignment (small inputs only). */
function bruteForce(a: Float64Array, b: Float64Array, birth: number): number {
  let best = Infinity;
  const usedB = new Uint8Array(b.length);
  const visit = (i: number, worst: number): void => {
    if (worst >= best) return;
    if (i === a.length) {
      for (let j = 0; j < b.length; j++) if (!usedB[j]) worst = Math.max(worst, (b[j] - birth) / 2);
      best = Math.min(best, worst);
      return;
    }
    visit(i + 1, Math.max(worst, (a[i] - birth) / 2));
    for (let j = 0; j < b.length; j++) {
      if (usedB[j]) continue;
      usedB[j] = 1;
      visit(i + 1, Math.max(worst, Math.abs(a[i] - b[j])));
      usedB[j] = 0;
    }
  };
  visit(0, 0);
  return best;
}

const asIntervals = (ds: Float64Array, birth: number, essential: number): Interval[] =>
  Array.from(ds, (d): Interval => [birth, d]).concat(Array.from({ length: essential }, (): Interval => [birth, Infinity]));

describe("the bottleneck distance of one-birth diagrams by search", () => {
  it("equals brute force over every matching, bit for bit, on small diagrams", () => {
    const random = seededRandom(11);
    for (let k = 0; k < 1500; k++) {
      const birth = k % 5 === 0 ? 0.25 : 0;
      const grid = k % 3 === 0 ? 4 : k % 3 === 1 ? 16 : 0;
      const a = deaths(random, Math.floor(random() * 7), birth, grid);
      const b = deaths(random, Math.floor(random() * 7), birth, grid);
      const expected = bruteForce(a, b, birth);
      assert.equal(lineDistanceAbove(a, a.length, b, b.length, birth, -Infinity), expected, `case ${k}: ${a} vs ${b}`);
      assert.equal(table(a, b, birth), expected, `case ${k}: the table`);
    }
  });

  it("equals the table over all pairs, bit for bit, on large diagrams and with the bracket narrowed by pivots", () => {
    const random = seededRandom(12);
    for (let k = 0; k < 300; k++) {
      const birth = k % 4 === 0 ? 1.5 : 0;
      const grid = k % 3 === 0 ? 64 : k % 3 === 1 ? 1024 : 0;
      const n = 1 + Math.floor(random() * (k < 30 ? 900 : 160));
      const a = deaths(random, n, birth, grid);
      // Often a near copy: the distance is then small and its bracket holds many pair differences.
      const b = k % 2 === 0 ? a.map((d) => d + (random() - 0.5) * 1e-3).sort() : deaths(random, Math.floor(random() * 160), birth, grid);
      const expected = table(a, b, birth);
      assert.equal(lineDistanceAbove(a, a.length, b, b.length, birth, -Infinity), expected, `case ${k}`);
      // Pivots narrowing the bracket to a few candidates, or to none.
      assert.equal(lineDistanceAbove(a, a.length, b, b.length, birth, -Infinity, 3), expected, `case ${k}, narrowed to 3`);
      assert.equal(lineDistanceAbove(a, a.length, b, b.length, birth, -Infinity, 0), expected, `case ${k}, narrowed to none`);
    }
  });

  it("given a floor, returns max(floor, distance) exactly, and so decides the floor in one pass", () => {
    const random = seededRandom(13);
    for (let k = 0; k < 400; k++) {
      const a = deaths(random, 1 + Math.floor(random() * 40), 0, k % 2 === 0 ? 32 : 0);
      const b = deaths(random, 1 + Math.floor(random() * 40), 0, k % 2 === 0 ? 32 : 0);
      const exact = table(a, b, 0);
      // Floors below, at and above the distance, and candidate values themselves.
      for (const floor of [0, exact / 2, exact, exact * 1.5, (a[0] ?? 0) / 2, Math.abs(a[0] - b[0])]) {
        const got = lineDistanceAbove(a, a.length, b, b.length, 0, floor);
        assert.equal(Math.max(floor, got), Math.max(floor, exact), `case ${k}, floor ${floor}`);
      }
    }
  });

  it("on interval lists (essential classes after the finite ones) agrees with bottleneckDistance", () => {
    const random = seededRandom(14);
    for (let k = 0; k < 300; k++) {
      const essential = k % 3;
      const birth = k % 5 === 0 ? 2 : 0;
      const a = asIntervals(deaths(random, Math.floor(random() * 60), birth, k % 2 ? 50 : 0), birth, essential);
      const b = asIntervals(deaths(random, Math.floor(random() * 60), birth, k % 2 ? 50 : 0), birth, essential);
      assert.ok(Number.isFinite(sortedMatchingBound(a, b)), `case ${k}: of the kind the search takes`);
      const expected = bottleneckDistance(a, b);
      assert.equal(sortedLineBottleneck(a, b), expected, `case ${k}`);
      assert.equal(sortedLineBottleneck(a, b, expected / 3), expected, `case ${k}: floor below`);
      assert.equal(sortedLineBottleneck(a, b, expected + 1), expected + 1, `case ${k}: floor above`);
    }
    assert.equal(sortedLineBottleneck([], []), 0);
    assert.equal(sortedLineBottleneck([[0, Infinity]], [[0, Infinity]]), 0);
    assert.equal(sortedLineBottleneck([[0, 1], [0, Infinity]], [[0, Infinity]]), 0.5);
    assert.equal(sortedLineBottleneck([[0, 1], [0, 3]], [[0, 1.5], [0, 3.25]]), 0.5);
  });
});

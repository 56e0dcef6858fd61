import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { persistenceAboveZero, ripsPersistence } from "../src/tda/index.ts";
import { lastUnfilledLength } from "../src/tda/rips/h1-reach.ts";
import { Workspace } from "../src/tda/rips/workspace.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import type { Interval } from "../src/tda/types.ts";
import { sortedWindowOf, type SortedWindow } from "../testkit/windows.ts";

/**
 * H1 cut short (tda/rips/h1-reach.ts): the guess only decides how much work is done, never
 * the intervals. A guess below the last death must be caught by the class still alive there;
 * an edge closing a cycle after the guess must be caught by the unfilled-edge bound.
 */

type Window = SortedWindow;
const windowOf = sortedWindowOf;

function h1(w: Window, reachGuess?: number): Interval[] {
  return persistenceAboveZero(w.n, w.lower, w.radius, w.sortedEdges, { maxDim: 1, reachGuess })[1];
}

const sorted = (intervals: Interval[]) => intervals.map(([b, d]) => `${b}:${d}`).sort();

function loops(n: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, k) => {
    const t = random() * 2 * Math.PI;
    // Two loops of different sizes side by side: two classes, dying at different values.
    const [r, x] = k % 3 === 0 ? [0.5, 3] : [1, 0];
    return [x + r * Math.cos(t) + 0.08 * (random() - 0.5), r * Math.sin(t) + 0.08 * (random() - 0.5), 0.08 * (random() - 0.5)];
  });
}

describe("H1 up to a guessed reach", () => {
  it("the last unfilled edge of a square is a side: its diagonals have common neighbours", () => {
    const w = windowOf([[0, 0], [1, 0], [1, 1], [0, 1]]);
    const last = (above: number) => lastUnfilledLength(w.n, w.lower, w.sortedEdges, w.sortedEdges.length, above, new Workspace().edgeTops(w.n));
    assert.equal(last(0), 1);
    assert.equal(last(1.2), 1.2);
  });

  it("the bound is the longest unfilled edge above the guess, as a search over every vertex finds it", () => {
    // By definition: an edge is filled when another vertex is strictly nearer both its ends.
    const bruteForce = (w: Window, above: number) => {
      let last = above;
      for (const e of w.sortedEdges) {
        const length = w.lower[e];
        if (length <= above) continue;
        const u = Math.floor((1 + Math.sqrt(1 + 8 * e)) / 2);
        const v = e - (u * (u - 1)) / 2;
        const d = (a: number, b: number) => w.lower[a > b ? (a * (a - 1)) / 2 + b : (b * (b - 1)) / 2 + a];
        let filled = false;
        for (let x = 0; x < w.n && !filled; x++) filled = x !== u && x !== v && d(x, u) < length && d(x, v) < length;
        if (!filled && length > last) last = length;
      }
      return last;
    };
    const random = seededRandom(7);
    for (let trial = 0; trial < 12; trial++) {
      const n = 8 + Math.floor(random() * 40);
      // Spread points (many long edges unfilled) and loops (few): both kinds of answer.
      const points = trial % 2 === 0 ? Array.from({ length: n }, () => [random(), random()]) : loops(n, 100 + trial);
      const w = windowOf(points);
      const tops = new Workspace().edgeTops(w.n);
      // Witnesses kept across calls, and stale ones (random vertices, some out of range) as a window left behind.
      const kept = new Uint16Array(w.lower.length);
      const stale = Uint16Array.from(w.lower, () => Math.floor(random() * (w.n + 5)));
      for (const above of [0, w.radius * 0.3, w.radius * 0.6, w.radius * 0.9, w.radius]) {
        const expected = bruteForce(w, above);
        assert.equal(lastUnfilledLength(w.n, w.lower, w.sortedEdges, w.sortedEdges.length, above, tops), expected, `trial ${trial}, above ${above}`);
        assert.equal(lastUnfilledLength(w.n, w.lower, w.sortedEdges, w.sortedEdges.length, above, tops, kept), expected, `trial ${trial}, above ${above}, kept witnesses`);
        assert.equal(lastUnfilledLength(w.n, w.lower, w.sortedEdges, w.sortedEdges.length, above, tops, stale), expected, `trial ${trial}, above ${above}, stale witnesses`);
      }
      assert.ok(kept.some((x) => x !== 0), `trial ${trial}: no witness was kept`);
    }
  });

  it("gives the intervals of the whole filtration for every guess: none, 0, below, at and above each death, the radius", () => {
    for (const seed of [1, 2, 3]) {
      const points = loops(90, seed);
      const w = windowOf(points);
      const expected = sorted(ripsPersistence(points, { maxDim: 1 }).diagrams[1]);
      const deaths = h1(w).map(([, d]) => d);
      assert.ok(deaths.filter((d) => d > 0.5).length >= 2, `seed ${seed}: two lasting classes`);
      const guesses = [0, w.radius, ...deaths.flatMap((d) => [d * 0.9, d, Math.fround(d * 1.02)])];
      for (const guess of [undefined, ...guesses]) assert.deepEqual(sorted(h1(w, guess)), expected, `seed ${seed}, guess ${guess}`);
      // H0 is the caller's (a stream's spanning forest): the reduction leaves it out.
      assert.deepEqual(persistenceAboveZero(w.n, w.lower, w.radius, w.sortedEdges, { maxDim: 1 })[0], []);
    }
  });

  it("a guess of 0 still finds a cycle closed late: the bound moves up to the last unfilled edge", () => {
    // A square's H1 is born at its last side; nothing is alive before.
    const w = windowOf([[0, 0], [1, 0], [1, 1], [0, 1]]);
    assert.deepEqual(h1(w, 0), [[1, Math.fround(Math.SQRT2)]]);
  });
});

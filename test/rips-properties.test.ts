import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { persistenceAboveZero, ripsPersistence, Workspace } from "../src/tda/index.ts";
import type { Diagrams, Interval } from "../src/tda/types.ts";
import { float32Distance } from "../testkit/inputs.ts";

/**
 * Properties every Rips barcode has, checked on random small clouds. fast-check shrinks a
 * failure to a minimal cloud; the seed is fixed so a run is reproducible (FC_SEED and
 * FC_RUNS explore further).
 */

const seed = process.env.FC_SEED === undefined ? 1127 : Number(process.env.FC_SEED);
const numRuns = process.env.FC_RUNS === undefined ? 60 : Number(process.env.FC_RUNS);
const settings = { seed, numRuns };

/**
 * Clouds of 1 to 11 points in R^2 or R^3. Half on a coarse grid (exact ties and duplicate
 * points, where tie-breaking must not matter), half anywhere in [-4, 4].
 */
const cloud = fc.integer({ min: 2, max: 3 }).chain((dimension) => {
  const gridPoint = fc.array(fc.integer({ min: -4, max: 4 }), { minLength: dimension, maxLength: dimension });
  const freePoint = fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: dimension, maxLength: dimension });
  return fc.oneof(fc.array(gridPoint, { minLength: 1, maxLength: 11 }), fc.array(freePoint, { minLength: 1, maxLength: 11 }));
});

const maxDimension = fc.integer({ min: 0, max: 2 });

/**
 * Points at distance 0 from each other (in Ripser's 32-bit arithmetic, where a difference
 * of 1e-45 squares to 0) are one vertex of H0: count the classes of that relation.
 */
function distinctPoints(points: number[][]): number {
  const representatives: number[][] = [];
  for (const p of points) if (!representatives.some((q) => float32Distance(p, q) === 0)) representatives.push(p);
  return representatives.length;
}

/** Exact multiset keys: full precision, so reordering the input must not change a single bit. */
function exactKeys(diagrams: Diagrams, dim: number): string[] {
  return (diagrams[dim] ?? []).map(([b, d]) => `${b},${d}`).sort();
}

function lengthOf([birth, death]: Interval): number {
  return death - birth;
}

/**
 * Whether two diagrams of one dimension are within `tolerance` in the bottleneck distance:
 * a perfect matching in which matched intervals differ by at most `tolerance` at both
 * ends (infinite with infinite), and an unmatched interval is at most 2·tolerance long
 * (it may match the diagonal). Kuhn's augmenting paths; the diagrams here are small.
 */
function withinBottleneck(a: Interval[], b: Interval[], tolerance: number): boolean {
  // Left: a's intervals, then one diagonal slot per b interval; right likewise.
  const left = a.length + b.length;
  const close = (x: Interval, y: Interval): boolean =>
    Math.abs(x[0] - y[0]) <= tolerance && (x[1] === Infinity ? y[1] === Infinity : y[1] !== Infinity && Math.abs(x[1] - y[1]) <= tolerance);
  const short = (x: Interval): boolean => lengthOf(x) <= 2 * tolerance;
  const edge = (l: number, r: number): boolean => {
    const lIsInterval = l < a.length;
    const rIsInterval = r < b.length;
    if (lIsInterval && rIsInterval) return close(a[l], b[r]);
    if (lIsInterval) return r - b.length === l && short(a[l]);
    if (rIsInterval) return l - a.length === r && short(b[r]);
    return true;
  };
  const matchOfRight = new Array<number>(left).fill(-1);
  const augment = (l: number, seen: boolean[]): boolean => {
    for (let r = 0; r < left; r++) {
      if (seen[r] || !edge(l, r)) continue;
      seen[r] = true;
      if (matchOfRight[r] < 0 || augment(matchOfRight[r], seen)) {
        matchOfRight[r] = l;
        return true;
      }
    }
    return false;
  };
  for (let l = 0; l < left; l++) if (!augment(l, new Array<boolean>(left).fill(false))) return false;
  return true;
}

/** A rotation matrix from a unit quaternion (3-d) or an angle (2-d). */
function rotation(dimension: number, parameters: number[]): number[][] {
  if (dimension === 2) {
    const angle = parameters[0] * Math.PI;
    return [
      [Math.cos(angle), -Math.sin(angle)],
      [Math.sin(angle), Math.cos(angle)],
    ];
  }
  const norm = Math.hypot(...parameters);
  const [w, x, y, z] = parameters.map((p) => p / norm);
  return [
    [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
    [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
    [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
  ];
}

/** Expected diagram at a lower threshold: intervals born by then, those dying later made infinite. */
function truncated(intervals: Interval[], threshold: number): Interval[] {
  return intervals.filter(([birth]) => birth <= threshold).map(([birth, death]): Interval => [birth, death <= threshold ? death : Infinity]);
}

describe("ripsPersistence: properties", () => {
  it("H0 has one interval per distinct point, all born at 0, one infinite without a threshold", () => {
    fc.assert(
      fc.property(cloud, maxDimension, (points, maxDim) => {
        const { diagrams } = ripsPersistence(points, { maxDim });
        assert.equal(diagrams[0].length, distinctPoints(points));
        assert.ok(diagrams[0].every(([birth]) => birth === 0));
        assert.equal(diagrams[0].filter(([, death]) => death === Infinity).length, 1);
      }),
      settings,
    );
  });

  it("H0 has one interval per distinct point under any threshold", () => {
    fc.assert(
      fc.property(cloud, fc.double({ min: 0, max: 8, noNaN: true }), (points, threshold) => {
        const { diagrams } = ripsPersistence(points, { maxDim: 0, threshold });
        assert.equal(diagrams[0].length, distinctPoints(points));
        assert.ok(diagrams[0].every(([birth, death]) => birth === 0 && (death === Infinity || death <= Math.fround(threshold))));
      }),
      settings,
    );
  });

  it("diagrams are unchanged, bit for bit, when the points are permuted", () => {
    const cloudAndPermutation = cloud.chain((points) =>
      fc.tuple(fc.constant(points), fc.shuffledSubarray(points.map((_, k) => k), { minLength: points.length, maxLength: points.length })),
    );
    fc.assert(
      fc.property(cloudAndPermutation, maxDimension, fc.option(fc.double({ min: 0, max: 8, noNaN: true }), { nil: undefined }), ([points, order], maxDim, threshold) => {
        const before = ripsPersistence(points, { maxDim, threshold }).diagrams;
        const after = ripsPersistence(order.map((k) => points[k]), { maxDim, threshold }).diagrams;
        for (let dim = 0; dim <= maxDim; dim++) assert.deepEqual(exactKeys(after, dim), exactKeys(before, dim), `H${dim}`);
      }),
      settings,
    );
  });

  it("diagrams are unchanged, up to float rounding, by a rotation and a translation", () => {
    const motion = fc.record({
      rotationParameters: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
      translation: fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(cloud, motion, maxDimension, (points, { rotationParameters, translation }, maxDim) => {
        fc.pre(Math.hypot(...rotationParameters) > 0.1);
        const dimension = points[0].length;
        const r = rotation(dimension, rotationParameters);
        const moved = points.map((p) => r.map((row, i) => row.reduce((sum, entry, k) => sum + entry * p[k], translation[i])));
        const before = ripsPersistence(points, { maxDim }).diagrams;
        const after = ripsPersistence(moved, { maxDim }).diagrams;
        // Coordinates up to ~110 in 32 bits are off by ~1e-5, so each distance is too: the
        // bottleneck distance moves at most that much (stability).
        for (let dim = 0; dim <= maxDim; dim++) {
          assert.ok(withinBottleneck(before[dim] ?? [], after[dim] ?? [], 1e-3), `H${dim}: ${JSON.stringify(before[dim])} vs ${JSON.stringify(after[dim])}`);
        }
      }),
      settings,
    );
  });

  it("a lower threshold only removes or truncates intervals, never invents them", () => {
    // Thresholds in 32 bits, the precision the filtration compares distances in.
    const thresholds = fc
      .tuple(fc.double({ min: 0, max: 8, noNaN: true }), fc.double({ min: 0, max: 8, noNaN: true }))
      .map(([x, y]) => [Math.fround(Math.min(x, y)), Math.fround(Math.max(x, y))]);
    fc.assert(
      fc.property(cloud, maxDimension, thresholds, fc.boolean(), (points, maxDim, [low, high], highIsDefault) => {
        const highOptions = highIsDefault ? { maxDim } : { maxDim, threshold: high };
        const atHigh = ripsPersistence(points, highOptions).diagrams;
        const atLow = ripsPersistence(points, { maxDim, threshold: low }).diagrams;
        const highThreshold = highIsDefault ? Infinity : high;
        if (low > highThreshold) return;
        for (let dim = 0; dim <= maxDim; dim++) {
          const expected = truncated(atHigh[dim] ?? [], low);
          assert.deepEqual(exactKeys([atLow[dim] ?? []], 0), exactKeys([expected], 0), `H${dim} at threshold ${low} vs ${highIsDefault ? "the default" : high}`);
        }
      }),
      settings,
    );
  });

  it("persistenceAboveZero, given the distances and sorted edges a window keeps, gives ripsPersistence's H1 and up, whatever reach it is told to try first, with one workspace kept across problems of every size", () => {
    // Kept from call to call, as a stream keeps it: what one problem leaves must not reach the next.
    const workspace = new Workspace();
    const guesses = fc.option(fc.double({ min: 0, max: 8, noNaN: true }), { nil: undefined });
    fc.assert(
      fc.property(cloud, fc.integer({ min: 1, max: 2 }), fc.double({ min: 0, max: 8, noNaN: true }), guesses, (points, maxDim, rawThreshold, reachGuess) => {
        const threshold = Math.fround(rawThreshold);
        const n = points.length;
        const lower = new Float32Array((n * (n - 1)) / 2);
        for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) lower[(i * (i - 1)) / 2 + j] = float32Distance(points[i], points[j]);
        // As documented: edges within the threshold, by distance ascending, ties by larger index first.
        const sortedEdges = Array.from(lower.keys())
          .filter((e) => lower[e] <= threshold)
          .sort((a, b) => lower[a] - lower[b] || b - a);
        const incremental = persistenceAboveZero(n, lower, threshold, sortedEdges, { maxDim, reachGuess, workspace });
        const whole = ripsPersistence(points, { maxDim, threshold }).diagrams;
        assert.deepEqual(incremental[0] ?? [], []);
        for (let dim = 1; dim <= maxDim; dim++) assert.deepEqual(exactKeys(incremental, dim), exactKeys(whole, dim), `H${dim}`);
      }),
      settings,
    );
  });

  it("the bottleneck check itself tells a moved interval from a matching one", () => {
    assert.ok(withinBottleneck([[0, 1], [0.5, 0.5005]], [[0.0001, 1.0002]], 1e-3));
    assert.ok(!withinBottleneck([[0, 1]], [[0, 1.01]], 1e-3));
    assert.ok(!withinBottleneck([[0, Infinity]], [[0, 5]], 1e-3));
    assert.ok(!withinBottleneck([[0, 1], [0, 1]], [[0, 1]], 1e-3));
  });
});

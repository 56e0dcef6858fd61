import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { maxminLandmarks } from "../src/tda/index.ts";
import { TdaInputError } from "../src/tda/types.ts";

const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, k) => v - b[k]));

describe("maxmin landmarks", () => {
  it("picks the farthest point each time", () => {
    const points = [[0], [1], [10], [4], [6]];
    const { indices, coveringRadius } = maxminLandmarks(points, { count: 3 });
    // From 0: farthest is 10; then 4 and 6 are both 4 away from {0, 10}: the lower index
    // wins; 6 is then 2 from its nearest landmark, 4.
    assert.deepEqual(Array.from(indices), [0, 2, 3]);
    assert.equal(coveringRadius, 2);
  });

  it("reports a covering radius that is really the largest distance to the nearest landmark", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 20 }),
        (points, count) => {
          const { indices, coveringRadius, nearestDistance } = maxminLandmarks(points, { count });
          // Fewer landmarks only when every point is already covered (repeated points).
          assert.ok(indices.length <= Math.min(count, points.length));
          if (indices.length < Math.min(count, points.length)) assert.equal(coveringRadius, 0);
          assert.equal(new Set(indices).size, indices.length);
          let worst = 0;
          points.forEach((p, i) => {
            const nearest = Math.min(...Array.from(indices, (l) => dist(p, points[l])));
            assert.ok(Math.abs(nearest - nearestDistance[i]) <= 1e-9);
            worst = Math.max(worst, nearest);
          });
          assert.ok(Math.abs(worst - coveringRadius) <= 1e-9);
        },
      ),
    );
  });

  it("stops at a radius, and takes flat buffers", () => {
    const circle = new Float64Array(200);
    for (let i = 0; i < 100; i++) {
      circle[2 * i] = Math.cos((2 * Math.PI * i) / 100);
      circle[2 * i + 1] = Math.sin((2 * Math.PI * i) / 100);
    }
    const { indices, coveringRadius } = maxminLandmarks({ points: circle, dimension: 2 }, { radius: 0.5 });
    assert.ok(coveringRadius <= 0.5);
    assert.ok(indices.length >= 7 && indices.length <= 16, `${indices.length} landmarks`);
  });

  it("rejects what it cannot use", () => {
    assert.throws(() => maxminLandmarks([[0], [1]], {}), TdaInputError);
    assert.throws(() => maxminLandmarks([], { count: 1 }), TdaInputError);
    assert.throws(() => maxminLandmarks([[0, 1], [1]], { count: 1 }), /point 1 has 1 coordinates/);
    assert.throws(() => maxminLandmarks({ points: [1, 2, 3], dimension: 2 }, { count: 1 }), TdaInputError);
  });
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { principalProjection } from "../src/tda/index.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";

/** A noisy-free circle of radius r in a tilted plane of R^3. */
function tiltedCircle(n: number, r: number): Float64Array {
  const u = [1 / Math.sqrt(2), 1 / Math.sqrt(2), 0];
  const w = [1 / Math.sqrt(6), -1 / Math.sqrt(6), 2 / Math.sqrt(6)];
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    for (let k = 0; k < 3; k++) out[i * 3 + k] = 5 + r * (Math.cos(a) * u[k] + Math.sin(a) * w[k]);
  }
  return out;
}

test("points in a plane keep every pairwise distance when projected on two components", () => {
  const n = 64;
  const pts = tiltedCircle(n, 2);
  const proj = principalProjection(pts, n, 3, 2);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d3 = Math.hypot(pts[i * 3] - pts[j * 3], pts[i * 3 + 1] - pts[j * 3 + 1], pts[i * 3 + 2] - pts[j * 3 + 2]);
      const d2 = Math.hypot(proj[i * 2] - proj[j * 2], proj[i * 2 + 1] - proj[j * 2 + 1]);
      assert.ok(Math.abs(d3 - d2) < 1e-9, `pair ${i},${j}: ${d3} vs ${d2}`);
    }
  }
});

test("the first component follows the largest spread and is centred", () => {
  const random = seededRandom(3);
  const n = 500;
  const pts = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    pts[i * 3] = 10 * (random() - 0.5);
    pts[i * 3 + 1] = 1 * (random() - 0.5);
    pts[i * 3 + 2] = 0.1 * (random() - 0.5);
  }
  const proj = principalProjection(pts, n, 3);
  let mean0 = 0, var0 = 0, var1 = 0;
  for (let i = 0; i < n; i++) mean0 += proj[i * 2] / n;
  for (let i = 0; i < n; i++) {
    var0 += proj[i * 2] ** 2 / n;
    var1 += proj[i * 2 + 1] ** 2 / n;
    // The first component is the x axis, up to sign.
    assert.ok(Math.abs(Math.abs(proj[i * 2]) - Math.abs(pts[i * 3] - meanOf(pts, 0, n))) < 0.2);
  }
  assert.ok(Math.abs(mean0) < 1e-9);
  assert.ok(var0 > 50 * var1, `variances ${var0} and ${var1}`);
  // Deterministic sign: the same input gives the same picture.
  assert.deepEqual(principalProjection(pts, n, 3), proj);
});

test("one-dimensional points project to a line with a zero second component; bad shapes are refused", () => {
  const proj = principalProjection([1, 2, 3], 3, 1);
  assert.deepEqual([...proj], [-1, 0, 0, 0, 1, 0]);
  assert.throws(() => principalProjection([1, 2, 3], 2, 2), /3 values do not hold 2 points of dimension 2/);
});

function meanOf(pts: Float64Array, k: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += pts[i * 3 + k];
  return s / n;
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { ripsPersistence, type Cocycle } from "../src/tda/index.ts";
import { euclideanFloat32 } from "../src/tda/rips/filtration.ts";

/** Points on a noisy circle, in order around it. */
function circle(n: number, radius: number, seed: number): number[][] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.1;
  return Array.from({ length: n }, (_, k) => {
    const a = (2 * Math.PI * k) / n;
    return [radius * Math.cos(a) + rnd(), radius * Math.sin(a) + rnd()];
  });
}

function distance(points: number[][], a: number, b: number): number {
  return euclideanFloat32(Float32Array.from(points.flat()), points[0].length, a, b);
}

/** Value of the cocycle on the oriented edge (a, b), in Z/p. */
function edgeValue(cocycle: Cocycle, a: number, b: number, p: number): number {
  for (let k = 0; k < cocycle.simplices.length; k++) {
    const [u, v] = cocycle.simplices[k];
    // Simplices are stored with decreasing vertices: (u, v) with u > v is one orientation.
    if (u === a && v === b) return cocycle.coefficients[k] % p;
    if (u === b && v === a) return (p - (cocycle.coefficients[k] % p)) % p;
  }
  return 0;
}

for (const modulus of [2, 3, 5]) {
  test(`H1 cocycle of a circle over Z/${modulus} is a cocycle before its death and detects the loop`, () => {
    const points = circle(24, 1, 11);
    const result = ripsPersistence(points, { maxDim: 1, modulus, cocycles: true });
    const h1 = result.diagrams[1];
    const longest = h1.reduce((best, iv, k) => (iv[1] - iv[0] > h1[best][1] - h1[best][0] ? k : best), 0);
    const [birth, death] = h1[longest];
    assert.ok(death - birth > 0.5, "one long H1 interval");
    const cocycle = result.cocycles![1][longest];
    assert.equal(cocycle.simplices.length, cocycle.coefficients.length);

    // Coboundary vanishes on every triangle that exists before the class dies.
    const n = points.length;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        for (let c = b + 1; c < n; c++) {
          const diameter = Math.max(distance(points, a, b), distance(points, a, c), distance(points, b, c));
          if (diameter >= death) continue;
          const value = (edgeValue(cocycle, b, c, modulus) - edgeValue(cocycle, a, c, modulus) + edgeValue(cocycle, a, b, modulus) + 2 * modulus) % modulus;
          assert.equal(value, 0, `coboundary on triangle ${a},${b},${c}`);
        }
      }
    }
    // Nonzero on the loop through consecutive points, the cycle the class detects.
    let sum = 0;
    for (let k = 0; k < n; k++) sum += edgeValue(cocycle, k, (k + 1) % n, modulus);
    assert.notEqual(sum % modulus, 0);
  });
}

test("no cocycles unless asked for, one per interval when asked", () => {
  const points = circle(16, 1, 3);
  assert.equal(ripsPersistence(points, { maxDim: 1 }).cocycles, undefined);
  const result = ripsPersistence(points, { maxDim: 2, cocycles: true });
  for (let dim = 1; dim <= 2; dim++) assert.equal(result.cocycles![dim].length, result.diagrams[dim].length);
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ripsPersistence } from "../src/tda/index.ts";
import { buildFiltration } from "../src/tda/rips/filtration.ts";
import { collapseEdges } from "../src/tda/rips/edge-collapse.ts";
import { TdaInputError, type Diagrams, type RipsInput } from "../src/tda/types.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";

/**
 * Edge collapse (tda/rips/edge-collapse.ts) must change nothing but the work: every
 * interval of positive length, bit for bit, in every dimension, with ties, thresholds,
 * any prime and every input type.
 */

const settings = { seed: process.env.FC_SEED === undefined ? 2711 : Number(process.env.FC_SEED), numRuns: 80 };

function key(diagrams: Diagrams): string[] {
  return diagrams.map((d) => d.map(([b, e]) => `${b}:${e}`).sort().join(" "));
}

function sameWithAndWithout(input: RipsInput | number[][], options: { maxDim: number; modulus?: number; threshold?: number }): void {
  const plain = ripsPersistence(input, { ...options, collapse: false });
  const collapsed = ripsPersistence(input, { ...options, collapse: true });
  assert.deepEqual(key(collapsed.diagrams), key(plain.diagrams));
}

const gridCloud = fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 14 });
const freeCloud = fc.array(fc.array(fc.double({ min: -4, max: 4, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 14 });

function noisyCircle(n: number, seed: number, noise = 0.05): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const t = random() * 2 * Math.PI;
    return [Math.cos(t) + noise * (random() - 0.5), Math.sin(t) + noise * (random() - 0.5), noise * (random() - 0.5)];
  });
}

describe("edge collapse", () => {
  it("gives the same diagrams on tie-heavy grid clouds, up to H2", () => {
    fc.assert(fc.property(gridCloud, fc.integer({ min: 1, max: 2 }), (points, maxDim) => sameWithAndWithout(points, { maxDim })), settings);
  });

  it("gives the same diagrams on free clouds, over Z/2, Z/3 and Z/5, with and without a threshold", () => {
    fc.assert(
      fc.property(freeCloud, fc.constantFrom(2, 3, 5), fc.option(fc.double({ min: 0.5, max: 6, noNaN: true }), { nil: undefined }), (points, modulus, threshold) =>
        sameWithAndWithout(points, { maxDim: 2, modulus, threshold }),
      ),
      settings,
    );
  });

  it("gives the same diagrams on noisy loops, where it removes most edges", () => {
    for (const [n, seed] of [[60, 1], [100, 2], [150, 3]] as const) {
      const points = noisyCircle(n, seed);
      sameWithAndWithout(points, { maxDim: 1 });
      const f = buildFiltration(points);
      const kept = collapseEdges(f.n, f.dense!.slice(), f.infinite, f.edges);
      assert.ok(kept.size * 3 < f.edges.size, `${n} points: ${kept.size} of ${f.edges.size} edges kept`);
    }
  });

  it("gives the same diagrams past 128 points, where rows take more than four words", () => {
    const random = seededRandom(11);
    for (const n of [129, 160, 200]) {
      // Points on a coarse grid around a loop: many ties, and edges of every fate.
      const points = noisyCircle(n, n, 0.3).map((p) => p.map((x) => Math.round(x * 8 + random()) / 8));
      sameWithAndWithout(points, { maxDim: 1 });
      sameWithAndWithout(points.slice(0, 130), { maxDim: 2, threshold: 0.6 });
    }
  });

  it("gives the same diagrams on distance matrices and sparse input", () => {
    const random = seededRandom(9);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(random() * 20);
      // Integer distances: many ties.
      const distances = Array.from({ length: (n * (n - 1)) / 2 }, () => 1 + Math.floor(random() * 6));
      sameWithAndWithout({ type: "lower", n, distances }, { maxDim: 2 });
      const i: number[] = [];
      const j: number[] = [];
      const d: number[] = [];
      for (let a = 1; a < n; a++) {
        for (let b = 0; b < a; b++) {
          if (random() < 0.6) {
            i.push(a);
            j.push(b);
            d.push(random() * 4);
          }
        }
      }
      sameWithAndWithout({ type: "sparse", n, i, j, d }, { maxDim: 2 });
    }
  });

  it("leaves the edge list in filtration order with moved edges at their new rank", () => {
    const f = buildFiltration(noisyCircle(80, 5));
    const ranks = f.dense!.slice();
    const kept = collapseEdges(f.n, ranks, f.infinite, f.edges);
    let moved = 0;
    const original = new Map<number, number>();
    for (let k = 0; k < f.edges.size; k++) original.set(f.edges.indices[k], f.edges.ranks[k]);
    for (let k = 0; k < kept.size; k++) {
      const e = kept.indices[k];
      const r = kept.ranks[k];
      assert.ok(r >= original.get(e)!, "edges only move later");
      if (r > original.get(e)!) moved++;
      if (k > 0) assert.ok(kept.ranks[k - 1] < r || (kept.ranks[k - 1] === r && kept.indices[k - 1] > e), "rank ascending, then index descending");
      const i = Math.floor((1 + Math.sqrt(1 + 8 * e)) / 2);
      const top = (i * (i - 1)) / 2 > e ? i - 1 : i;
      const bottom = e - (top * (top - 1)) / 2;
      assert.equal(ranks[top * f.n + bottom], r, "the rank matrix carries the new rank");
    }
    assert.ok(moved > 0, "some edges are moved rather than kept or removed");
  });

  it("refuses cocycles with collapse, in one line", () => {
    assert.throws(() => ripsPersistence([[0, 0], [1, 0], [0, 1]], { cocycles: true, collapse: true }), TdaInputError);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  amplitude,
  amplitudeMetrics,
  diagramFeatures,
  bettiCurve,
  heatKernel,
  landscapeNorm,
  linearRampWeight,
  numberOfPoints,
  persistenceEntropy,
  persistenceImage,
  persistenceLandscape,
  silhouette,
  totalPersistence,
} from "../src/tda/index.ts";
import type { Interval } from "../src/tda/types.ts";
import { TdaInputError } from "../src/tda/types.ts";

const close = (actual: number, expected: number, tol = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} ≠ ${expected}`);
const closeArray = (actual: ArrayLike<number>, expected: number[], tol = 1e-12) => {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) close(actual[i], expected[i], tol);
};

// Two nested bars, sampled at t = 0, 1, 2, 3, 4: small enough to do by hand.
const nested: Interval[] = [[0, 4], [1, 3]];
const unitGrid = { min: 0, max: 4, n: 5 };

const arbDiagram = fc.array(
  fc.tuple(fc.double({ min: 0, max: 10, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true })).map(([b, l]) => [b, b + l] as Interval),
  { maxLength: 25 },
);

describe("Betti curve", () => {
  it("counts b ≤ t < d at each grid point", () => {
    closeArray(bettiCurve(nested, unitGrid), [1, 2, 2, 1, 0]);
    // Born exactly at a grid point counts there; dying exactly at one does not.
    closeArray(bettiCurve([[1, 2]], unitGrid), [0, 1, 0, 0, 0]);
  });

  it("counts essential classes from their birth, or until the cap", () => {
    closeArray(bettiCurve([[1, Infinity]], unitGrid), [0, 1, 1, 1, 1]);
    closeArray(bettiCurve([[1, Infinity]], unitGrid, { infinity: 3 }), [0, 1, 1, 0, 0]);
  });

  it("agrees with counting directly, on random diagrams and grids", () => {
    fc.assert(
      fc.property(arbDiagram, fc.double({ min: -1, max: 5, noNaN: true }), fc.integer({ min: 1, max: 40 }), (diagram, min, n) => {
        const grid = { min, max: min + 12, n };
        const curve = bettiCurve(diagram, grid);
        for (let i = 0; i < n; i++) {
          const t = i === n - 1 ? grid.max : min + (i * 12) / (n - 1 || 1);
          const direct = diagram.filter(([b, d]) => b <= t && t < d).length;
          assert.equal(curve[i], n === 1 ? diagram.filter(([b, d]) => b <= min && min < d).length : direct);
        }
      }),
    );
  });

  it("writes into a given buffer without allocating a new one", () => {
    const out = new Float64Array(5).fill(7);
    assert.equal(bettiCurve(nested, unitGrid, {}, out), out);
    closeArray(out, [1, 2, 2, 1, 0]);
  });

  it("rejects a grid it cannot sample", () => {
    assert.throws(() => bettiCurve(nested, { min: 1, max: 1, n: 5 }), TdaInputError);
    assert.throws(() => bettiCurve(nested, { min: 0, max: 1, n: 0 }), TdaInputError);
    assert.throws(() => bettiCurve(nested, { min: 0, max: Infinity, n: 3 }), TdaInputError);
  });
});

describe("persistence landscape", () => {
  it("takes the k-th largest tent at each grid point", () => {
    const layers = persistenceLandscape(nested, unitGrid, 3);
    closeArray(layers.subarray(0, 5), [0, 1, 2, 1, 0]);
    closeArray(layers.subarray(5, 10), [0, 0, 1, 0, 0]);
    closeArray(layers.subarray(10, 15), [0, 0, 0, 0, 0]);
  });

  it("has the L1 and L2 norms of Gidea and Katz, over all layers", () => {
    const layers = persistenceLandscape(nested, unitGrid, 2);
    // ∫λ1 = 4 (a tent of height 2 on [0, 4]) and ∫λ2 = 1; the grid hits every kink.
    close(landscapeNorm(layers, unitGrid, 2, 1), 5);
    close(landscapeNorm(layers, unitGrid, 2, 2), Math.sqrt(1 + 4 + 1 + 1));
    close(landscapeNorm(layers, unitGrid, 2, Infinity), 2);
  });

  it("orders its layers and never exceeds half the longest lifetime", () => {
    fc.assert(
      fc.property(arbDiagram, fc.integer({ min: 1, max: 5 }), (diagram, k) => {
        const grid = { min: 0, max: 15, n: 31 };
        const layers = persistenceLandscape(diagram, grid, k);
        const half = Math.max(0, ...diagram.map(([b, d]) => (d - b) / 2));
        for (let i = 0; i < grid.n; i++) {
          for (let j = 0; j < k; j++) {
            assert.ok(layers[j * grid.n + i] >= 0);
            assert.ok(layers[j * grid.n + i] <= half + 1e-12);
            if (j > 0) assert.ok(layers[(j - 1) * grid.n + i] >= layers[j * grid.n + i]);
          }
        }
      }),
    );
  });

  it("leaves essential classes out unless capped", () => {
    closeArray(persistenceLandscape([[0, Infinity]], unitGrid, 1), [0, 0, 0, 0, 0]);
    closeArray(persistenceLandscape([[0, Infinity]], unitGrid, 1, { infinity: 4 }), [0, 1, 2, 1, 0]);
  });
});

describe("silhouette", () => {
  it("averages the tents weighted by lifetime^power", () => {
    // Weights 4 and 2: φ = (4 Λ1 + 2 Λ2) / 6.
    closeArray(silhouette(nested, unitGrid, 1), [0, 4 / 6, 10 / 6, 4 / 6, 0]);
    // Power 2: weights 16 and 4.
    closeArray(silhouette(nested, unitGrid, 2), [0, 16 / 20, 36 / 20, 16 / 20, 0]);
  });

  it("is zero for a diagram with nothing finite, and stable for large powers", () => {
    closeArray(silhouette([[0, Infinity]], unitGrid), [0, 0, 0, 0, 0]);
    const big = silhouette(nested, unitGrid, 400);
    closeArray(big, [0, 1, 2, 1, 0]);
  });
});

describe("persistence image", () => {
  it("is a sum of weighted Gaussian densities on birth × persistence", () => {
    const sigma = 0.5;
    const births = { min: 0, max: 2, n: 3 };
    const persistences = { min: 0, max: 4, n: 5 };
    const image = persistenceImage([[1, 3]], births, persistences, sigma);
    const peak = 1 / (2 * Math.PI * sigma * sigma);
    // Row = persistence 2, column = birth 1: the centre of the Gaussian.
    close(image[2 * 3 + 1], peak);
    // One grid step (1 = 2σ) away along birth: exp(−1² / (2σ²)) = e^−2.
    close(image[2 * 3 + 0], peak * Math.exp(-2));
    close(image[3 * 3 + 2], peak * Math.exp(-4));
    const ramp = persistenceImage([[1, 3]], births, persistences, sigma, { weight: linearRampWeight(4) });
    close(ramp[2 * 3 + 1], peak / 2);
  });

  it("integrates to the total weight on a fine, wide grid", () => {
    const diagram: Interval[] = [[0, 1], [2, 5], [1, 1.5]];
    const grid = { min: -3, max: 6, n: 181 };
    const persistenceGrid = { min: -3, max: 7, n: 201 };
    close(amplitude(diagram, "persistence-image", { p: 1, sigma: 0.3, grid, persistenceGrid }), 3, 1e-9);
  });
});

describe("heat kernel", () => {
  it("puts a source at each point and a sink at its mirror image", () => {
    const grid = { min: 0, max: 1, n: 2 };
    const image = heatKernel([[0, 1]], grid, 1);
    const c = 1 / (2 * Math.PI);
    // out[row = death index, column = birth index].
    close(image[1 * 2 + 0], c * (1 - Math.exp(-1)));
    close(image[0 * 2 + 1], -c * (1 - Math.exp(-1)));
    close(image[0], 0);
    close(image[3], 0);
  });

  it("is antisymmetric across the diagonal", () => {
    fc.assert(
      fc.property(arbDiagram, (diagram) => {
        const grid = { min: 0, max: 15, n: 12 };
        const image = heatKernel(diagram, grid, 0.7);
        for (let r = 0; r < 12; r++) for (let c = 0; c < 12; c++) close(image[r * 12 + c], -image[c * 12 + r], 1e-9);
      }),
      { numRuns: 30 },
    );
  });
});

describe("persistence entropy", () => {
  it("is log2 n for n equal bars", () => {
    for (const n of [1, 2, 3, 7, 64]) {
      const bars: Interval[] = Array.from({ length: n }, (_, i) => [i, i + 2.5]);
      close(persistenceEntropy(bars), Math.log2(n));
      close(persistenceEntropy(bars, { normalize: "point-count" }), n === 1 ? 0 : 1);
    }
  });

  it("matches a hand computation and both normalisations", () => {
    const e = -((2 / 3) * Math.log2(2 / 3) + (1 / 3) * Math.log2(1 / 3));
    close(persistenceEntropy(nested), e);
    close(persistenceEntropy(nested, { normalize: "lifetime-sum" }), e / Math.log2(6));
    close(persistenceEntropy(nested, { normalize: "point-count" }), e / Math.log2(2));
  });

  it("ignores zero-length and essential bars, and reports an undefined entropy", () => {
    close(persistenceEntropy([[0, 4], [1, 3], [2, 2], [0, Infinity]]), persistenceEntropy(nested));
    assert.equal(persistenceEntropy([]), -1);
    assert.ok(Number.isNaN(persistenceEntropy([[1, 1]], { undefinedValue: NaN })));
    assert.equal(persistenceEntropy([[0, 1]], { normalize: "lifetime-sum" }), -1);
    assert.equal(persistenceEntropy([[0, 2]], { normalize: "lifetime-sum" }), 0);
  });
});

describe("summaries and amplitudes", () => {
  it("counts points and total persistence", () => {
    assert.deepEqual(numberOfPoints([[0, 4], [1, 1], [0, Infinity]]), { points: 2, essential: 1 });
    close(totalPersistence(nested), 6);
    close(totalPersistence(nested, 2), 20);
    close(totalPersistence([[0, Infinity], [0, 1]]), 1);
    close(totalPersistence([[0, Infinity], [0, 1]], 1, { infinity: 3 }), 4);
  });

  it("computes bottleneck and Wasserstein amplitudes in closed form against the diagonal", () => {
    close(amplitude(nested, "bottleneck"), 2);
    close(amplitude(nested, "wasserstein"), Math.sqrt(4 + 1));
    close(amplitude(nested, "wasserstein", { p: 1 }), 3);
    assert.equal(amplitude([[0, Infinity]], "bottleneck"), Infinity);
    close(amplitude([[0, Infinity]], "wasserstein", { p: 1, infinity: 3 }), 1.5);
    assert.equal(amplitude([], "bottleneck"), 0);
    close(amplitude(nested, "wasserstein", { p: Infinity }), 2);
  });

  it("computes the curve amplitudes as step-scaled p-norms", () => {
    close(amplitude(nested, "betti", { grid: unitGrid }), Math.sqrt(1 + 4 + 4 + 1));
    close(amplitude(nested, "betti", { grid: unitGrid, p: 1 }), 6);
    close(amplitude(nested, "landscape", { grid: unitGrid, layers: 2, p: 1 }), 5);
    close(amplitude(nested, "landscape", { grid: unitGrid }), Math.sqrt(1 + 4 + 1));
    close(amplitude(nested, "silhouette", { grid: unitGrid, p: 1 }), 3);
    // Grid step 0.5 scales the Riemann sum by 0.5.
    close(amplitude(nested, "betti", { grid: { min: 0, max: 4, n: 9 }, p: 1 }), 6);
  });

  it("says which metric needs a grid", () => {
    assert.throws(() => amplitude(nested, "heat"), /needs a grid/);
    assert.throws(() => amplitude(nested, "wasserstein", { p: 0.5 }), TdaInputError);
  });
});

describe("diagramFeatures", () => {
  it("reports the same values as the individual functions", () => {
    const diagrams: Interval[][] = [[[0, 0.5], [0, 1.2], [0, Infinity]], [[0.8, 1.9], [1.1, 1.3]]];
    const grid = { min: 0, max: 2, n: 21 };
    const imageGrid = { min: 0, max: 2, n: 9 };
    const persistenceGrid = { min: 0, max: 2, n: 9 };
    const [h0, h1] = diagramFeatures(diagrams, { grid, imageGrid, persistenceGrid, layers: 2, sigma: 0.3, p: 1 });
    assert.equal(h0.points, 3);
    assert.equal(h0.essential, 1);
    assert.equal(h0.amplitudes.bottleneck, Infinity);
    for (const metric of amplitudeMetrics) {
      const expected = amplitude(diagrams[1], metric, { grid: metric === "heat" || metric === "persistence-image" ? imageGrid : grid, persistenceGrid, layers: 2, sigma: 0.3, p: 1 });
      close(h1.amplitudes[metric], expected, 1e-12);
    }
    closeArray(h1.bettiCurve, Array.from(bettiCurve(diagrams[1], grid)));
    close(h1.landscape.l2, landscapeNorm(persistenceLandscape(diagrams[1], grid, 2), grid, 2, 2));
    close(h1.entropy, persistenceEntropy(diagrams[1]));
    assert.equal(h1.heatKernel.length, 9);
    assert.equal(h1.persistenceImage[0].length, 9);
  });
});

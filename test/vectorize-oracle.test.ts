// Vectorizations against gudhi's (Debian's python3-gudhi, with python3-pot for Wasserstein),
// on random diagrams: one Python process computes everything, then each value is compared.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { amplitude, bettiCurve, persistenceEntropy, persistenceImage, persistenceLandscape, silhouette } from "../src/tda/index.ts";
import type { Interval } from "../src/tda/types.ts";
import { once, runPythonOracle, skipWithout } from "../testkit/oracles.ts";

const oracle = String.raw`
import json, sys
import numpy as np
import gudhi, gudhi.representations as R
from gudhi.wasserstein import wasserstein_distance
cases = json.load(sys.stdin)
out = []
empty = np.zeros((0, 2))
for c in cases:
    D = np.array(c["diagram"], dtype=float).reshape(-1, 2)
    lo, hi, n = c["grid"]
    q, k, s = c["power"], c["layers"], c["sigma"]
    pi_range = [lo, hi, 0.0, hi - lo]
    out.append({
        "betti": R.BettiCurve(predefined_grid=np.linspace(lo, hi, n)).fit_transform([D])[0].tolist(),
        "landscape": R.Landscape(num_landscapes=k, resolution=n, sample_range=[lo, hi]).fit_transform([D])[0].tolist(),
        "silhouette": R.Silhouette(resolution=n, sample_range=[lo, hi], weight=lambda x: (x[1] - x[0]) ** q).fit_transform([D])[0].tolist(),
        "image": R.PersistenceImage(bandwidth=s, resolution=[12, 9], im_range=pi_range).fit_transform([D])[0].tolist(),
        "ramp": R.PersistenceImage(bandwidth=s, resolution=[12, 9], im_range=pi_range, weight=lambda x: min(1.0, max(0.0, x[1] / 2.0))).fit_transform([D])[0].tolist(),
        "entropy": float(R.Entropy(mode="scalar").fit_transform([D])[0][0]) if len(D) else None,
        "bottleneck": gudhi.bottleneck_distance(D, empty),
        "wasserstein1": wasserstein_distance(D, empty, order=1, internal_p=np.inf),
        "wasserstein2": wasserstein_distance(D, empty, order=2, internal_p=np.inf),
    })
print(json.dumps(out))
`;


function randomDiagram(seed: number, size: number): Interval[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: size }, () => {
    const birth = uniform() * 3;
    return [birth, birth + uniform() * uniform() * 2] as Interval;
  });
}

const close = (actual: ArrayLike<number>, expected: number[], what: string) => {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= 1e-9 * Math.max(1, Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} ≠ ${expected[i]}`);
  }
};

const cases = Array.from({ length: 12 }, (_, m) => ({
  diagram: randomDiagram(m + 1, 1 + ((m * 7) % 30)),
  grid: [0, 5, 11 + 3 * m] as [number, number, number],
  power: [1, 0.5, 2][m % 3],
  layers: 1 + (m % 4),
  sigma: [0.2, 0.5, 1][m % 3],
}));
/** Every expected value, from one Python process started by the first test that needs it. */
const expected = once(() => {
  const out = runPythonOracle<Array<Record<string, number[] | number | null>>>(oracle, cases);
  assert.equal(out.length, cases.length, "the oracle answers every case");
  return out;
});

describe("vectorizations against gudhi", { skip: skipWithout("gudhi") }, () => {
  cases.forEach((c, m) => {
    it(`agree on random diagram ${m} (${c.diagram.length} points)`, () => {
      const want = expected()[m];
      const grid = { min: c.grid[0], max: c.grid[1], n: c.grid[2] };
      close(bettiCurve(c.diagram, grid), want.betti as number[], "Betti curve");
      // gudhi measures tents in the rotated plane: √2 times Bubenik's (and giotto-tda's) heights.
      const sqrt2 = (x: ArrayLike<number>) => Array.from(x, (v) => v * Math.SQRT2);
      close(sqrt2(persistenceLandscape(c.diagram, grid, c.layers)), want.landscape as number[], "landscape");
      close(sqrt2(silhouette(c.diagram, grid, c.power)), want.silhouette as number[], "silhouette");
      const births = { min: c.grid[0], max: c.grid[1], n: 12 };
      const persistences = { min: 0, max: c.grid[1] - c.grid[0], n: 9 };
      close(persistenceImage(c.diagram, births, persistences, c.sigma), want.image as number[], "persistence image");
      const ramp = (p: number) => Math.min(1, Math.max(0, p / 2));
      close(persistenceImage(c.diagram, births, persistences, c.sigma, { weight: ramp }), want.ramp as number[], "ramp-weighted image");
      // gudhi's entropy is in nats, ours in bits.
      close([persistenceEntropy(c.diagram) * Math.LN2], [want.entropy as number], "entropy");
      close([amplitude(c.diagram, "bottleneck")], [want.bottleneck as number], "bottleneck amplitude");
      close([amplitude(c.diagram, "wasserstein", { p: 1 })], [want.wasserstein1 as number], "Wasserstein-1 amplitude");
      close([amplitude(c.diagram, "wasserstein", { p: 2 })], [want.wasserstein2 as number], "Wasserstein-2 amplitude");
    });
  });
});

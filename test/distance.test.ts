// Diagram distances against gudhi (Debian's python3-gudhi with python3-pot): exact bottleneck
// (e=0) to 1e-9 relative, Wasserstein W_{p,q} to 1e-6 relative, sliced Wasserstein against a
// direct per-direction optimal transport; on random diagrams and on diagrams from the engine.
// One Python process computes every expected value.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bottleneckDistance,
  bottleneckMatching,
  diagramDistance,
  slicedWassersteinDistance,
  wassersteinDistance,
  wassersteinMatching,
  type DistanceWithMatching,
} from "../src/tda/distance/index.ts";
import { ripsPersistence } from "../src/tda/rips.ts";
import { sortedMatchingBound } from "../src/tda/distance/bottleneck-line.ts";
import { TdaInputError, type Interval } from "../src/tda/types.ts";
import { once, runPythonOracle, skipWithout } from "../testkit/oracles.ts";

const oracle = String.raw`
import json, sys, warnings
import numpy as np
import gudhi, gudhi.wasserstein, ot
from gudhi.representations.metrics import _sliced_wasserstein_distance
warnings.simplefilter("ignore")
def dgm(points):
    return np.array([[b, np.inf if d is None else d] for b, d in points], dtype=float).reshape(-1, 2)
def number(x):
    return "inf" if x == np.inf else float(x)
def sliced_direct(A, B, M):
    # Per direction, W1 between the projected augmented sets by an explicit transport plan.
    thetas = np.linspace(-np.pi / 2, np.pi / 2, num=M + 1)[:-1]
    total = 0.0
    for t in thetas:
        line = np.array([np.cos(t), np.sin(t)])
        dA = np.repeat(A.sum(1, keepdims=True) / 2, 2, 1)
        dB = np.repeat(B.sum(1, keepdims=True) / 2, 2, 1)
        u = np.concatenate([A, dB]) @ line
        v = np.concatenate([B, dA]) @ line
        if len(u) == 0:
            continue
        w = np.ones(len(u))
        total += ot.emd2(w, w, np.abs(u[:, None] - v[None, :]))
    return total / M
out = []
for c in json.load(sys.stdin):
    A, B = dgm(c["a"]), dgm(c["b"])
    if c["kind"] == "bottleneck":
        out.append(number(gudhi.bottleneck_distance(A, B, 0)))
    elif c["kind"] == "wasserstein":
        q = np.inf if c["q"] == "inf" else c["q"]
        s = c.get("scale", 1)
        out.append(number(gudhi.wasserstein.wasserstein_distance(A * s, B * s, order=c["p"], internal_p=q) / s))
    else:
        M = c["directions"]
        out.append([sliced_direct(A, B, M), float(_sliced_wasserstein_distance(A, B, M)) if len(A) and len(B) else None,
                    float(gudhi.wasserstein.wasserstein_distance(A, B, order=1, internal_p=2)),
                    float(gudhi.wasserstein.wasserstein_distance(A, B, order=1, internal_p=np.inf))])
print(json.dumps(out))
`;

type OracleCase =
  | { kind: "bottleneck"; a: Interval[]; b: Interval[] }
  | { kind: "wasserstein"; a: Interval[]; b: Interval[]; p: number; q: number; scale?: number }
  | { kind: "sliced"; a: Interval[]; b: Interval[]; directions: number };

function runOracle(cases: OracleCase[]): unknown[] {
  const wire = cases.map((c) => ({
    ...c,
    a: c.a.map(([b, d]) => [b, Number.isFinite(d) ? d : null]),
    b: c.b.map(([b, d]) => [b, Number.isFinite(d) ? d : null]),
    ...("q" in c ? { q: Number.isFinite(c.q) ? c.q : "inf" } : {}),
  }));
  const out = runPythonOracle<unknown[]>(oracle, wire);
  assert.equal(out.length, cases.length, "the oracle answers every case");
  return out;
}

const fromOracle = (x: unknown) => (x === "inf" ? Infinity : (x as number));

/** A seeded generator, so every run tests the same diagrams. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Random diagrams of several shapes: continuous values, values on a coarse grid (many ties,
 * duplicate points, points on the diagonal), mostly short bars, long bars born close together
 * ("tall"), bars all born at 0 (as Rips H0), and a few essential classes.
 */
function randomDiagram(seed: number, size: number, shape: "continuous" | "grid" | "short" | "tall" | "born-at-zero" | "one-birth-ties", essential = 0): Interval[] {
  const uniform = generator(seed);
  const out: Interval[] = [];
  for (let k = 0; k < size; k++) {
    if (shape === "grid") {
      const b = Math.floor(uniform() * 8) / 2;
      out.push([b, b + Math.floor(uniform() * 5) / 2]);
    } else if (shape === "short") {
      const b = uniform() * 3;
      out.push([b, b - 0.1 * Math.log(1 - uniform())]);
    } else if (shape === "tall") {
      const b = uniform();
      out.push([b, b + uniform() * 20]);
    } else if (shape === "born-at-zero") {
      out.push([0, uniform() * 3]);
    } else if (shape === "one-birth-ties") {
      out.push([1.5, 1.5 + Math.floor(uniform() * 12) / 4]);
    } else {
      const b = uniform() * 10;
      out.push([b, b + uniform() * 5]);
    }
  }
  for (let k = 0; k < essential; k++) out.splice(Math.floor(uniform() * out.length), 0, [uniform() * 4, Infinity]);
  return out;
}

function relativeClose(actual: number, expected: number, tolerance: number, what: string): void {
  if (expected === Infinity) {
    assert.equal(actual, Infinity, what);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(Math.abs(expected), 1e-300), `${what}: ${actual} ≠ ${expected}`);
}

/** Every interval of A and of B appears exactly once in the matching. */
function assertMatchingCovers(result: DistanceWithMatching, a: Interval[], b: Interval[]): void {
  const seenA = new Array<number>(a.length).fill(0);
  const seenB = new Array<number>(b.length).fill(0);
  for (const [i, j] of result.matching) {
    assert.ok(i !== -1 || j !== -1, "diagonal matched to diagonal");
    if (i >= 0) seenA[i]++;
    if (j >= 0) seenB[j]++;
  }
  assert.deepEqual(seenA, new Array<number>(a.length).fill(1), "every interval of A once");
  assert.deepEqual(seenB, new Array<number>(b.length).fill(1), "every interval of B once");
}

/** Cost of each matched pair under the q-norm; essential pairs cost their birth difference. */
function pairCosts(result: DistanceWithMatching, a: Interval[], b: Interval[], q: number): number[] {
  const toDiagonal = ([x, y]: Interval) => (y - x) * 2 ** (1 / q - 1);
  return result.matching.map(([i, j]) => {
    if (i < 0) return toDiagonal(b[j]);
    if (j < 0) return toDiagonal(a[i]);
    const [x1, y1] = a[i];
    const [x2, y2] = b[j];
    if (y1 === Infinity || y2 === Infinity) {
      assert.ok(y1 === Infinity && y2 === Infinity, "an essential class matched to a finite one");
      return Math.abs(x1 - x2);
    }
    const dx = Math.abs(x1 - x2);
    const dy = Math.abs(y1 - y2);
    return q === Infinity ? Math.max(dx, dy) : (dx ** q + dy ** q) ** (1 / q);
  });
}

// Random cases: sizes 0…45, three shapes, some with essential classes (equal and unequal counts).
const shapes = ["continuous", "grid", "short", "born-at-zero", "one-birth-ties"] as const;
const randomPairs = Array.from({ length: 36 }, (_, k) => {
  // Every fourth and fifth pair has all births equal: the one-line dynamic programme's case.
  const shape = shapes[k % 5];
  const essentialA = k % 5 === 0 ? 2 : k % 7 === 0 ? 1 : 0;
  const essentialB = k % 5 === 0 ? 2 : k % 7 === 0 ? 3 - (k % 2) * 2 : 0;
  return {
    a: randomDiagram(100 + k, (k * 13) % 46, shape, essentialA),
    b: randomDiagram(200 + k, (k * 29) % 41, shape, essentialB),
  };
});
// Larger pairs: the bottleneck search and the Wasserstein certificate loop take more steps.
// The last four need several certificate rounds, so the warm-started square form
// (pooled-assignment.ts) re-places freed rows there, with and without essential classes.
const largePairs = [
  { a: randomDiagram(7, 400, "continuous"), b: randomDiagram(8, 350, "continuous") },
  { a: randomDiagram(9, 500, "short"), b: randomDiagram(10, 500, "short") },
  { a: randomDiagram(11, 300, "grid"), b: randomDiagram(12, 320, "grid") },
  { a: randomDiagram(13, 300, "tall"), b: randomDiagram(14, 260, "tall") },
  { a: randomDiagram(15, 300, "born-at-zero", 1), b: randomDiagram(16, 330, "born-at-zero", 1) },
  { a: randomDiagram(17, 1000, "continuous"), b: randomDiagram(18, 1000, "continuous") },
  { a: randomDiagram(19, 250, "tall"), b: randomDiagram(20, 400, "grid") },
];

/** Diagrams of the Rips engine on noisy circles and blobs: H0 with its essential class, and H1. */
function engineDiagrams(seed: number): Interval[][] {
  const uniform = generator(seed);
  const points: number[][] = [];
  for (let k = 0; k < 60; k++) {
    const t = uniform() * 2 * Math.PI;
    const r = seed % 2 === 0 ? 1 + 0.2 * (uniform() - 0.5) : uniform();
    points.push([r * Math.cos(t) + 0.1 * uniform(), r * Math.sin(t) + 0.1 * uniform()]);
  }
  return ripsPersistence(points, { maxDim: 1 }).diagrams;
}
const engine = [engineDiagrams(1), engineDiagrams(2), engineDiagrams(3), engineDiagrams(4)];
const enginePairs = [
  { a: engine[0][0], b: engine[1][0] },
  { a: engine[0][1], b: engine[1][1] },
  { a: engine[2][0], b: engine[3][0] },
  { a: engine[2][1], b: engine[3][1] },
  { a: engine[1][1], b: engine[3][1] },
];

const wassersteinParameters: Array<[p: number, q: number]> = [
  [1, Infinity],
  [2, 2],
  [2, Infinity],
  [1, 2],
  [3, 2],
];

const allPairs = [...randomPairs, ...largePairs, ...enginePairs];
const cases: OracleCase[] = [];
for (const { a, b } of allPairs) {
  cases.push({ kind: "bottleneck", a, b });
  for (const [p, q] of wassersteinParameters) cases.push({ kind: "wasserstein", a, b, p, q });
}
const slicedPairs = [...randomPairs.slice(0, 12), ...enginePairs].map(({ a, b }) => ({
  a: a.filter(([, d]) => d !== Infinity),
  b: b.filter(([, d]) => d !== Infinity),
}));
for (const { a, b } of slicedPairs) cases.push({ kind: "sliced", a, b, directions: 7 });
// Tiny diagrams at p = 3: costs near 1e-12 fall under POT's tolerances and gudhi's value
// comes out 0.1–5 % too high (ours is lower and attained by its matching; unscaled, these
// three pairs disagree), so gudhi gets the coordinates scaled by 1e4 and its distance
// scaled back, which it then matches to about 1e-15.
const tinyPairs = [0, 1, 2].map((k) => {
  const uniform = generator(300 + k);
  const tiny = (size: number) =>
    Array.from({ length: size }, () => {
      const b = 1e-3 * uniform();
      return [b, b + 1e-4 * uniform()] as Interval;
    });
  return { a: tiny(120), b: tiny(90) };
});
const tinyAt = cases.length;
for (const { a, b } of tinyPairs) cases.push({ kind: "wasserstein", a, b, p: 3, q: 2, scale: 1e4 });
/** Every expected value, from one Python process started by the first test that needs it. */
const expected = once(() => runOracle(cases));

describe("diagram distances against gudhi", { skip: skipWithout("gudhi") }, () => {
  const pairName = (k: number) =>
    k < randomPairs.length ? `random pair ${k}` : k < randomPairs.length + largePairs.length ? `large pair ${k - randomPairs.length}` : `engine pair ${k - randomPairs.length - largePairs.length}`;
  let next = 0;
  allPairs.forEach(({ a, b }, k) => {
    const bottleneckAt = next;
    next += 1 + wassersteinParameters.length;
    it(`${pairName(k)} (${a.length} and ${b.length} intervals): bottleneck and Wasserstein agree`, () => {
      const bottleneck = bottleneckMatching(a, b);
      relativeClose(bottleneck.distance, fromOracle(expected()[bottleneckAt]), 1e-9, "bottleneck");
      assert.equal(bottleneckDistance(a, b), bottleneck.distance, "the distance without a matching is the same number");
      if (Number.isFinite(bottleneck.distance)) {
        assertMatchingCovers(bottleneck, a, b);
        assert.equal(Math.max(0, ...pairCosts(bottleneck, a, b, Infinity)), bottleneck.distance, "the matching attains the bottleneck distance");
      } else {
        assert.deepEqual(bottleneck.matching, []);
      }
      wassersteinParameters.forEach(([p, q], t) => {
        const what = `W_{${p},${q}}`;
        const result = wassersteinMatching(a, b, { order: p, internalP: q });
        relativeClose(result.distance, fromOracle(expected()[bottleneckAt + 1 + t]), 1e-6, what);
        if (Number.isFinite(result.distance)) {
          assertMatchingCovers(result, a, b);
          const total = pairCosts(result, a, b, q).reduce((s, c) => s + c ** p, 0) ** (1 / p);
          relativeClose(total, result.distance, 1e-9, `${what}: the matching's cost`);
        }
      });
    });
  });
  slicedPairs.forEach(({ a, b }, k) => {
    const at = next++;
    it(`sliced Wasserstein of pair ${k}: matches a direct computation, gudhi's, and its bounds`, () => {
      const [direct, gudhiValue, w12, w1inf] = expected()[at] as [number, number | null, number, number];
      const ours = slicedWassersteinDistance(a, b, 7);
      relativeClose(ours, direct, 1e-9, "against per-direction optimal transport");
      if (gudhiValue !== null) relativeClose(ours, gudhiValue, 1e-9, "against gudhi's SlicedWassersteinDistance");
      assert.ok(ours <= 2 * w12 * (1 + 1e-12), `SW ${ours} ≤ 2·W_{1,2} ${2 * w12}`);
      // Carrière et al., Theorem 3.3: d_1/(2M) ≤ SW for the integral; with many directions the average is close to it.
      const size = a.length + b.length;
      const many = slicedWassersteinDistance(a, b, 400);
      assert.ok(many >= w1inf / (2 * (1 + 2 * size * (2 * size - 1))) - 1e-12, "lower bound");
    });
  });
});

describe("Wasserstein on tiny diagrams against gudhi on scaled copies", { skip: skipWithout("gudhi") }, () => {
  tinyPairs.forEach(({ a, b }, k) => {
    it(`tiny pair ${k}: W_{3,2} agrees`, () => {
      const result = wassersteinMatching(a, b, { order: 3, internalP: 2 });
      relativeClose(result.distance, fromOracle(expected()[tinyAt + k]), 1e-6, "W_{3,2}");
      const total = pairCosts(result, a, b, 2).reduce((s, c) => s + c ** 3, 0) ** (1 / 3);
      relativeClose(total, result.distance, 1e-9, "the matching's cost");
    });
  });
});

describe("the sorted-matching bound for diagrams of one birth", () => {
  const sortedByDeath = (d: Interval[]) => [...d].sort((p, q) => p[1] - q[1]);
  it("is never below the bottleneck distance, and is the distance of pairing in order", () => {
    for (let k = 0; k < 40; k++) {
      const shape = k % 2 === 0 ? "born-at-zero" : "one-birth-ties";
      const essential = k % 3 === 0 ? 1 : 0;
      // One birth on both sides: the essential classes are born with the rest.
      const a = sortedByDeath(randomDiagram(500 + k, 5 + ((k * 7) % 60), shape).concat(Array(essential).fill([shape === "born-at-zero" ? 0 : 1.5, Infinity])));
      const b = sortedByDeath(randomDiagram(600 + k, 5 + ((k * 11) % 60), shape).concat(Array(essential).fill([shape === "born-at-zero" ? 0 : 1.5, Infinity])));
      const bound = sortedMatchingBound(a, b);
      assert.ok(Number.isFinite(bound), `pair ${k}: the bound applies`);
      assert.ok(bound >= bottleneckDistance(a, b), `pair ${k}: bound ${bound} ≥ distance ${bottleneckDistance(a, b)}`);
    }
    assert.equal(sortedMatchingBound([[0, 1], [0, 3]], [[0, 1.5], [0, 3.25]]), 0.5);
    assert.equal(sortedMatchingBound([[0, 1], [0, 3]], [[0, 3.25]]), 0.5, "the shortest of A goes to the diagonal at half its length");
    assert.equal(sortedMatchingBound([[0, 2], [0, Infinity]], [[0, 2], [0, Infinity]]), 0);
  });
  it("does not apply (Infinity) to other diagrams: births differ, deaths out of order, essential counts differ", () => {
    assert.equal(sortedMatchingBound([[0, 1], [0.5, 2]], [[0, 1]]), Infinity);
    assert.equal(sortedMatchingBound([[0, 2], [0, 1]], [[0, 1]]), Infinity);
    assert.equal(sortedMatchingBound([[0, 1], [0, Infinity]], [[0, 1]]), Infinity);
    assert.equal(sortedMatchingBound([[0, 1]], [[1, 2]]), Infinity);
  });
});

describe("essential classes", () => {
  const a: Interval[] = [[0, Infinity], [0.5, 2], [5, Infinity]];
  const b: Interval[] = [[3, Infinity], [1, Infinity], [0.5, 2.5]];
  it("are matched among themselves in birth order, and their cost counts", () => {
    // Sorted births 0, 5 against 1, 3: differences 1 and 2. The finite pair differs by 0.5.
    assert.equal(bottleneckDistance(a, b), 2);
    relativeClose(wassersteinDistance(a, b, { order: 2, internalP: 2 }), Math.sqrt(1 + 4 + 0.25), 1e-12, "W2");
    relativeClose(wassersteinDistance(a, b, { order: 1 }), 1 + 2 + 0.5, 1e-12, "W1");
    const result = bottleneckMatching(a, b);
    assert.ok(result.matching.some(([i, j]) => i === 0 && j === 1), "birth 0 goes to birth 1");
    assert.ok(result.matching.some(([i, j]) => i === 2 && j === 0), "birth 5 goes to birth 3");
    const sliced = slicedWassersteinDistance(a, b, 10);
    const slicedFinite = slicedWassersteinDistance([[0.5, 2]], [[0.5, 2.5]], 10);
    relativeClose(sliced, slicedFinite + 3, 1e-12, "sliced adds Σ|Δbirth|");
  });
  it("in different numbers make every distance infinite", () => {
    const fewer: Interval[] = [[0, Infinity], [0.5, 2]];
    assert.equal(bottleneckDistance(a, fewer), Infinity);
    assert.deepEqual(bottleneckMatching(a, fewer).matching, []);
    assert.equal(wassersteinDistance(a, fewer, { order: 2, internalP: 2 }), Infinity);
    assert.equal(slicedWassersteinDistance(a, fewer), Infinity);
    assert.equal(diagramDistance([a], [fewer], { metric: "bottleneck", dim: 0 }).distance, Infinity);
  });
  it("are never dropped: one essential class against none is infinite, even with no finite points", () => {
    assert.equal(bottleneckDistance([[0, Infinity]], []), Infinity);
    assert.equal(wassersteinDistance([], [[2, Infinity]]), Infinity);
  });
});

describe("distances on small cases by hand", () => {
  it("are zero between a diagram and itself, and symmetric", () => {
    const d = randomDiagram(5, 30, "grid", 1);
    assert.equal(bottleneckDistance(d, d), 0);
    assert.equal(wassersteinDistance(d, d, { order: 2, internalP: 2 }), 0);
    assert.equal(slicedWassersteinDistance(d, d), 0);
    const e = randomDiagram(6, 25, "continuous", 1);
    assert.equal(bottleneckDistance(d, e), bottleneckDistance(e, d));
    relativeClose(wassersteinDistance(d, e, { order: 2 }), wassersteinDistance(e, d, { order: 2 }), 1e-12, "W2 symmetric");
  });
  it("send a lone point to the diagonal at half its persistence (L∞)", () => {
    assert.equal(bottleneckDistance([[1, 3]], []), 1);
    assert.deepEqual(bottleneckMatching([[1, 3]], []).matching, [[0, -1]]);
    relativeClose(wassersteinDistance([], [[1, 3]], { order: 1, internalP: 2 }), Math.SQRT2, 1e-12, "L2 distance to the diagonal");
  });
  it("prefer the diagonal when a partner is farther than both diagonals", () => {
    // (0, 1) and (10, 11): each is 0.5 from the diagonal, 10 from the other.
    assert.equal(bottleneckDistance([[0, 1]], [[10, 11]]), 0.5);
    const matching = wassersteinMatching([[0, 1]], [[10, 11]], { order: 1 }).matching;
    assert.deepEqual(matching.sort(), [[-1, 0], [0, -1]]);
  });
  it("compare the dimension asked for, as empty when a diagram lacks it", () => {
    const a: Interval[][] = [[[0, 1]], [[0, 4]]];
    const b: Interval[][] = [[[0, 1]]];
    assert.equal(diagramDistance(a, b, { metric: "bottleneck", dim: 0 }).distance, 0);
    assert.equal(diagramDistance(a, b, { metric: "bottleneck", dim: 1 }).distance, 2);
  });
});

describe("bad input", () => {
  const ok: Interval[] = [[0, 1]];
  const cases: Array<[string, () => unknown]> = [
    ["death before birth", () => bottleneckDistance([[2, 1]], ok)],
    ["NaN birth", () => wassersteinDistance(ok, [[NaN, 1]])],
    ["NaN death", () => slicedWassersteinDistance([[0, NaN]], ok)],
    ["infinite birth", () => bottleneckDistance([[-Infinity, 1]], ok)],
    ["a wrong shape", () => bottleneckDistance([[0, 1, 2]] as unknown as Interval[], ok)],
    ["order below 1", () => wassersteinDistance(ok, ok, { order: 0.5 })],
    ["internal norm below 1", () => wassersteinDistance(ok, ok, { internalP: 0 })],
    ["no directions", () => slicedWassersteinDistance(ok, ok, 0)],
    ["an unknown metric", () => diagramDistance([ok], [ok], { metric: "earth-mover" as "sliced", dim: 0 })],
  ];
  for (const [what, call] of cases) {
    it(`rejects ${what} with a TdaInputError`, () => {
      assert.throws(call, (error: unknown) => error instanceof TdaInputError && error.message.length > 0);
    });
  }
  it("names the diagram and interval at fault", () => {
    assert.throws(() => bottleneckDistance(ok, [[0, 1], [3, 2]]), /second diagram, interval 1: death 2 is before birth 3/);
  });
});

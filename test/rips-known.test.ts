import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ripsPersistence } from "../src/tda/index.ts";
import { TdaInputError, type Interval, type RipsInput, type RipsOptions } from "../src/tda/index.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import { datasetPath } from "../testkit/datasets.ts";
import { float32Distance, randomCloud } from "../testkit/inputs.ts";

/** Barcodes whose every interval is known in closed form or from the topology of the space sampled. */


function persistence([birth, death]: Interval): number {
  return death - birth;
}

/** Intervals sorted by decreasing persistence, so "the long one" is the first. */
function byPersistence(intervals: Interval[]): Interval[] {
  return [...intervals].sort((a, b) => persistence(b) - persistence(a));
}

/** By birth, then death: the engine promises a multiset, not an order. */
function sortIntervals(intervals: Interval[]): Interval[] {
  return [...intervals].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function circle(n: number, radius = 1): number[][] {
  return Array.from({ length: n }, (_, k) => [radius * Math.cos((2 * Math.PI * k) / n), radius * Math.sin((2 * Math.PI * k) / n)]);
}

/** The Fibonacci lattice: n nearly evenly spread points on the unit 2-sphere. */
function fibonacciSphere(n: number): number[][] {
  const golden = Math.PI * (3 - Math.sqrt(5));
  return Array.from({ length: n }, (_, k) => {
    const z = 1 - (2 * k + 1) / n;
    const r = Math.sqrt(1 - z * z);
    return [r * Math.cos(golden * k), r * Math.sin(golden * k), z];
  });
}

/** Compressed lower triangle of a lower-distance text file, as ripser reads it (commas or whitespace). */
function readLowerDistanceFile(name: string): { type: "lower"; n: number; distances: number[] } {
  const distances = readFileSync(datasetPath(name), "utf8")
    .split(/[\s,]+/)
    .filter((token) => token !== "")
    .map(Number);
  const n = Math.round((1 + Math.sqrt(1 + 8 * distances.length)) / 2);
  assert.equal((n * (n - 1)) / 2, distances.length, `${name} is not a lower triangle`);
  return { type: "lower", n, distances };
}

/** Edge lengths of a minimum spanning forest of the graph of pairs at distance ≤ threshold (Prim, O(n²)): H0's finite deaths. */
function spanningForestLengths(points: number[][], threshold: number): { lengths: number[]; components: number } {
  const n = points.length;
  const distance = (a: number, b: number): number => float32Distance(points[a], points[b]);
  const inTree = new Array<boolean>(n).fill(false);
  const best = new Array<number>(n).fill(Infinity);
  const lengths: number[] = [];
  let components = 0;
  for (let added = 0; added < n; added++) {
    let next = -1;
    for (let v = 0; v < n; v++) if (!inTree[v] && (next < 0 || best[v] < best[next])) next = v;
    if (best[next] === Infinity) components++;
    else lengths.push(best[next]);
    inTree[next] = true;
    for (let v = 0; v < n; v++) {
      const d = distance(next, v);
      if (!inTree[v] && d <= threshold && d < best[v]) best[v] = d;
    }
  }
  return { lengths: lengths.sort((a, b) => a - b), components };
}

describe("ripsPersistence: known answers", () => {
  it("gives a square one H1 interval from its side to its diagonal", () => {
    const { diagrams } = ripsPersistence([[0, 0], [1, 0], [1, 1], [0, 1]], { maxDim: 1 });
    assert.deepEqual(diagrams[1], [[1, Math.fround(Math.SQRT2)]]);
    assert.deepEqual(diagrams[0].map(([, death]) => death).sort(), [1, 1, 1, Infinity]);
  });

  it("gives the octahedron one H2 class, from its edge length to its diameter, and no H1", () => {
    const octahedron = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]];
    const { diagrams } = ripsPersistence(octahedron, { maxDim: 2 });
    assert.deepEqual(diagrams[1], []);
    assert.deepEqual(diagrams[2], [[Math.fround(Math.SQRT2), 2]]);
  });

  it("gives evenly spaced points on a circle one long H1 interval, born at the side and dying at the inscribed triangle's side", () => {
    const n = 24;
    const { diagrams } = ripsPersistence(circle(n), { maxDim: 1 });
    assert.equal(diagrams[1].length, 1, `H1: ${JSON.stringify(diagrams[1])}`);
    const [birth, death] = diagrams[1][0];
    assert.ok(Math.abs(birth - 2 * Math.sin(Math.PI / n)) < 1e-6, `birth ${birth}`);
    assert.ok(Math.abs(death - Math.sqrt(3)) < 1e-6, `death ${death}`);
  });

  it("gives a noisy circle exactly one long H1 interval, at any radius", () => {
    const random = seededRandom(20261127);
    for (const radius of [1, 10, 0.01]) {
      const points = circle(60, radius).map(([x, y]) => [x + radius * 0.05 * (random() - 0.5), y + radius * 0.05 * (random() - 0.5)]);
      const [longest, ...rest] = byPersistence(ripsPersistence(points, { maxDim: 1 }).diagrams[1]);
      assert.ok(longest !== undefined && persistence(longest) > 1.2 * radius, `radius ${radius}: longest H1 ${JSON.stringify(longest)}`);
      for (const interval of rest) assert.ok(persistence(interval) < 0.1 * radius, `radius ${radius}: second H1 interval ${JSON.stringify(interval)}`);
    }
  });

  it("gives a sampled 2-sphere one long H2 class and no long H1 interval", () => {
    const { diagrams } = ripsPersistence(fibonacciSphere(60), { maxDim: 2 });
    const [longest, ...rest] = byPersistence(diagrams[2]);
    assert.ok(longest !== undefined && persistence(longest) > 0.8, `longest H2 ${JSON.stringify(longest)}`);
    assert.ok(longest[1] < Infinity, "the sphere's class dies: the complex is a cone at the enclosing radius");
    for (const interval of rest) assert.ok(persistence(interval) < 0.1, `second H2 interval ${JSON.stringify(interval)}`);
    for (const interval of diagrams[1]) assert.ok(persistence(interval) < 0.2, `H1 interval ${JSON.stringify(interval)}`);
  });

  describe("the projective plane (13 points, distances 1 and 2)", () => {
    const projectivePlane = readLowerDistanceFile("projective_plane.lower_distance_matrix");

    it("has an H1 and an H2 class over Z/2, both [1, 2)", () => {
      const { diagrams } = ripsPersistence(projectivePlane, { maxDim: 2, modulus: 2 });
      assert.deepEqual(diagrams[1], [[1, 2]]);
      assert.deepEqual(diagrams[2], [[1, 2]]);
    });

    it("has no H1 or H2 over Z/3, Z/5, Z/7, Z/65521 or Z/67108859, the largest prime allowed (its torsion is 2-torsion)", () => {
      for (const modulus of [3, 5, 7, 65521, 67108859]) {
        const { diagrams } = ripsPersistence(projectivePlane, { maxDim: 2, modulus });
        assert.deepEqual(diagrams[1], [], `H1 over Z/${modulus}`);
        assert.deepEqual(diagrams[2], [], `H2 over Z/${modulus}`);
      }
    });

    it("has the same H0 over every field: 12 components dying at 1 and one that never dies", () => {
      for (const modulus of [2, 3]) {
        const { diagrams } = ripsPersistence(projectivePlane, { maxDim: 2, modulus });
        const expected: Interval[] = [...Array.from({ length: 12 }, (): Interval => [0, 1]), [0, Infinity]];
        assert.deepEqual(sortIntervals(diagrams[0]), expected, `H0 over Z/${modulus}`);
      }
    });

    it("keeps its classes infinite when the threshold stops before they die", () => {
      const { diagrams } = ripsPersistence(projectivePlane, { maxDim: 2, threshold: 1.5 });
      assert.deepEqual(diagrams[1], [[1, Infinity]]);
      assert.deepEqual(diagrams[2], [[1, Infinity]]);
    });
  });

  describe("H0 of n points", () => {
    const points = randomCloud(seededRandom(7), 50, 3);

    it("has n intervals, all born at 0, one infinite, the rest dying at the minimum spanning tree's edge lengths", () => {
      const { diagrams } = ripsPersistence(points, { maxDim: 0 });
      assert.equal(diagrams[0].length, 50);
      assert.ok(diagrams[0].every(([birth]) => birth === 0));
      assert.equal(diagrams[0].filter(([, death]) => death === Infinity).length, 1);
      const deaths = diagrams[0].map(([, death]) => death).filter((death) => death < Infinity).sort((a, b) => a - b);
      assert.deepEqual(deaths, spanningForestLengths(points, Infinity).lengths);
    });

    it("under a threshold has n intervals still, one infinite per connected component of the threshold graph", () => {
      for (const threshold of [0.1, 0.25, 0.4]) {
        const { diagrams } = ripsPersistence(points, { maxDim: 1, threshold });
        const { lengths, components } = spanningForestLengths(points, Math.fround(threshold));
        assert.equal(diagrams[0].length, 50, `threshold ${threshold}`);
        assert.equal(diagrams[0].filter(([, death]) => death === Infinity).length, components, `threshold ${threshold}`);
        const deaths = diagrams[0].map(([, death]) => death).filter((death) => death < Infinity).sort((a, b) => a - b);
        assert.deepEqual(deaths, lengths, `threshold ${threshold}`);
      }
    });

    it("gives a single point one infinite interval and nothing else", () => {
      const { diagrams } = ripsPersistence([[3, 4]], { maxDim: 2 });
      assert.deepEqual(diagrams[0], [[0, Infinity]]);
      assert.deepEqual(diagrams[1] ?? [], []);
      assert.deepEqual(diagrams[2] ?? [], []);
    });
  });
});

/** Asserts a TdaInputError whose one-line message matches every pattern (what was wrong and where). */
function assertRejects(input: RipsInput, options: RipsOptions, patterns: RegExp[]): void {
  assert.throws(
    () => ripsPersistence(input, options),
    (error: unknown) => {
      assert.ok(error instanceof TdaInputError, `expected a TdaInputError, got ${String(error)}`);
      assert.ok(!error.message.includes("\n"), `message on one line: ${JSON.stringify(error.message)}`);
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    },
  );
}

describe("ripsPersistence: bad options and input", () => {
  const triangle = [[0, 0], [1, 0], [0, 1]];

  it("rejects a modulus that is not a prime, naming it", () => {
    for (const modulus of [4, 1, 0, -3, 2.5, 91, NaN]) assertRejects(triangle, { modulus }, [/modulus/i, new RegExp(`${modulus}\\b`.replace(".", "\\.")), /prime/]);
  });

  it("rejects a negative or fractional maxDim", () => {
    assertRejects(triangle, { maxDim: -1 }, [/dim/i, /-1\b/]);
    assertRejects(triangle, { maxDim: 1.5 }, [/dim/i, /1\.5/]);
  });

  it("rejects a NaN or negative threshold", () => {
    assertRejects(triangle, { threshold: NaN }, [/threshold/i, /NaN/]);
    assertRejects(triangle, { threshold: -1 }, [/threshold/i, /-1\b/]);
  });

  it("rejects NaN and infinite coordinates, naming the point and coordinate", () => {
    assertRejects([[0, 0], [1, NaN], [0, 1]], {}, [/point 1\b/, /coordinate 1\b/, /NaN/]);
    assertRejects([[0, 0], [1, 0], [-Infinity, 1]], {}, [/point 2\b/, /coordinate 0\b/, /Infinity/]);
    assertRejects({ type: "points", points: [0, 0, 1, 0, 0, NaN], dimension: 2 }, {}, [/point 2\b/, /coordinate 1\b/, /NaN/]);
  });

  it("rejects ragged rows, naming the row that differs", () => {
    assertRejects([[0, 0], [1, 0, 2], [0, 1]], {}, [/point 1 has 3 coordinates/, /point 0 has 2/]);
    assertRejects([[0, 0, 0], [1, 0, 0], [0, 1]], {}, [/point 2 has 2 coordinates/]);
  });

  it("rejects NaN and negative distances and a matrix of the wrong size", () => {
    assertRejects({ type: "lower", n: 3, distances: [1, NaN, 1] }, {}, [/distance \(2, 0\)/, /NaN/]);
    assertRejects({ type: "lower", n: 3, distances: [1, -1, 1] }, {}, [/distance \(2, 0\)/, /negative/]);
    assertRejects({ type: "lower", n: 4, distances: [1, 1, 1] }, {}, [/4 points/, /6 entries/]);
    assertRejects({ type: "sparse", n: 3, i: [1], j: [0], d: [NaN] }, {}, [/sparse entry 0/, /NaN/]);
    assertRejects({ type: "sparse", n: 3, i: [5], j: [0], d: [1] }, {}, [/sparse entry 0/, /below 3/]);
  });

  it("refuses, before any work, a problem whose simplex indices would reach 2^53, and accepts the largest that stays below", () => {
    const maxDim = 3;
    const vertices = BigInt(maxDim + 2);
    const binomial = (n: bigint, k: bigint): bigint => {
      let c = 1n;
      for (let i = 1n; i <= k; i++) c = (c * (n - k + i)) / i;
      return c;
    };
    let largest = 100n;
    while (binomial(largest + 1n, vertices) < 2n ** 53n) largest++;
    // One edge among `n` points: the check must depend on n and maxDim, not on the work.
    const onePair = (n: bigint): RipsInput => ({ type: "sparse", n: Number(n), i: [1], j: [0], d: [1] });
    assert.equal(ripsPersistence(onePair(largest), { maxDim }).diagrams[0].length, Number(largest));
    assertRejects(onePair(largest + 1n), { maxDim }, [new RegExp(`${largest + 1n} points`), /2\^53/]);
    assertRejects(onePair(1000000n), { maxDim: 8 }, [/1000000 points/, /2\^53/]);
  });
});

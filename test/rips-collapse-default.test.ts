import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { parseRipsInput, ripsPersistence, seededRandom } from "../src/tda/index.ts";
import { collapseByDefault, COLLAPSE_GIVE_UP_TESTS_PER_EDGE } from "../src/tda/rips/collapse-policy.ts";
import { collapseFiltration } from "../src/tda/rips/edge-collapse.ts";
import { buildFiltration } from "../src/tda/rips/filtration.ts";
import { datasetPath } from "../testkit/datasets.ts";
import type { Diagrams, RipsInput } from "../src/tda/types.ts";
import { noisyCircle, randomCloud } from "../testkit/inputs.ts";

/** Exact multiset keys per dimension: the default must not change a single bit. */
function exact(diagrams: Diagrams): string {
  return JSON.stringify(diagrams.map((d) => d.map(([b, death]) => `${b},${death}`).sort()));
}

const circle = noisyCircle(seededRandom(11), 120, 0.1);
const flat = (points: number[][]): RipsInput => ({ type: "points", points: points.flat(), dimension: points[0].length });
const lower = (points: number[][]): RipsInput => {
  const distances: number[] = [];
  for (let i = 1; i < points.length; i++) for (let j = 0; j < i; j++) distances.push(Math.hypot(...points[i].map((x, k) => x - points[j][k])));
  return { type: "lower", n: points.length, distances };
};

describe("edge collapse by default", () => {
  it("collapses where it was measured to pay: H1 of clouds in up to 3 dimensions, everything from H2 up", () => {
    assert.equal(collapseByDefault(circle, 1, false), true);
    assert.equal(collapseByDefault(flat(randomCloud(seededRandom(1), 20, 3)), 1, false), true);
    assert.equal(collapseByDefault(flat(randomCloud(seededRandom(1), 20, 10)), 2, false), true);
    assert.equal(collapseByDefault(lower(circle.slice(0, 10)), 2, false), true);
  });

  it("reduces the full complex where the collapse lost, for H0 alone, and with cocycles", () => {
    assert.equal(collapseByDefault(flat(randomCloud(seededRandom(1), 20, 4)), 1, false), false);
    assert.equal(collapseByDefault(randomCloud(seededRandom(1), 20, 10), 1, false), false);
    assert.equal(collapseByDefault(lower(circle.slice(0, 10)), 1, false), false);
    assert.equal(collapseByDefault({ type: "sparse", n: 2, i: [1], j: [0], d: [1] }, 1, false), false);
    assert.equal(collapseByDefault(circle, 0, false), false);
    assert.equal(collapseByDefault(circle, 2, true), false);
  });

  it("gives the barcodes of the full complex, bit for bit", () => {
    for (const [input, maxDim] of [[circle, 1], [randomCloud(seededRandom(12), 40, 3), 2], [lower(randomCloud(seededRandom(13), 30, 5)), 2]] as const) {
      assert.equal(exact(ripsPersistence(input, { maxDim }).diagrams), exact(ripsPersistence(input, { maxDim, collapse: false }).diagrams));
    }
  });

  it("gives up on spread-out data after its first edges, leaving the ranks as they were", () => {
    const sphere = parseRipsInput("lower-distance", readFileSync(datasetPath("sphere_3_192.lower_distance_matrix"), "utf8"), "sphere_3_192");
    const f = buildFiltration(sphere);
    const ranks = f.dense!.slice();
    assert.equal(collapseFiltration(f, undefined, COLLAPSE_GIVE_UP_TESTS_PER_EDGE), f);
    assert.deepEqual(f.dense, ranks);
    assert.equal(exact(ripsPersistence(sphere, { maxDim: 2 }).diagrams), exact(ripsPersistence(sphere, { maxDim: 2, collapse: false }).diagrams));
  });

  it("goes through on a noisy loop", () => {
    const f = buildFiltration(noisyCircle(seededRandom(14), 300, 0.1));
    const edges = f.edges.size;
    const collapsed = collapseFiltration(f, undefined, COLLAPSE_GIVE_UP_TESTS_PER_EDGE);
    assert.notEqual(collapsed, f);
    assert.ok(collapsed.edges.size * 10 < edges, `${collapsed.edges.size} of ${edges} edges left`);
  });

  it("leaves cocycles available without asking for anything else", () => {
    const result = ripsPersistence(circle, { cocycles: true });
    assert.equal(result.cocycles?.[1].length, result.diagrams[1].length);
  });
});

/**
 * Diagrams as the detector keeps its earlier windows: flat per dimension, packed for state,
 * and seen again as intervals through one reused view.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FlatDiagramsView, flattenDiagrams, packDiagrams, unpackDiagrams } from "../src/stream/packed-diagrams.ts";
import type { Diagrams } from "../src/tda/types.ts";

const windows: Diagrams[] = [
  [[[0, 0.5], [0, 1.25], [0, Infinity]], [[0.75, 1.5]]],
  [[[0, 0.25], [0, Infinity]], [[0.5, 2], [1, Infinity], [1.5, 1.75]]],
  [[[0, 0.1], [0, 0.2], [0, 0.3], [0, 0.4], [0, Infinity]], []],
  [[], [[2, 3]]],
];

test("a flat window packs for state as births and deaths with null for infinity, and unpacks to its intervals", () => {
  for (const diagrams of windows) {
    const packed = packDiagrams(flattenDiagrams(diagrams));
    for (const pairs of packed) assert.ok(pairs.every((v) => v === null || Number.isFinite(v)));
    assert.deepEqual(unpackDiagrams(JSON.parse(JSON.stringify(packed)), "test"), diagrams);
  }
});

test("the view shows each flat window's intervals exactly, as dimensions shrink and grow between calls", () => {
  const view = new FlatDiagramsView();
  for (const diagrams of [...windows, ...[...windows].reverse()]) {
    const seen = view.of(flattenDiagrams(diagrams));
    assert.deepEqual(seen, diagrams);
    assert.equal(seen.length, diagrams.length);
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ripsPersistence, seededRandom, Workspace, type RipsInput } from "../src/tda/index.ts";
import type { Diagrams } from "../src/tda/types.ts";
import { noisyCircle, randomCloud } from "../testkit/inputs.ts";

/**
 * ripsPersistence refills one kept workspace call after call (for small problems) or the
 * caller's own. Whatever a workspace held before, and whoever else uses it meanwhile, a
 * result must be the one a fresh workspace gives, and must not change afterwards.
 */

function exact(diagrams: Diagrams): string {
  return JSON.stringify(diagrams.map((d) => d.map(([b, death]) => `${b},${death}`).sort()));
}

function fresh(input: RipsInput, maxDim = 1): string {
  return exact(ripsPersistence(input, { maxDim, workspace: new Workspace() }).diagrams);
}

const circle = noisyCircle(seededRandom(7), 150, 0.1);
const cloud = randomCloud(seededRandom(8), 90, 3);
const small = randomCloud(seededRandom(9), 12, 2);

describe("working arrays kept between calls", () => {
  it("give every call the barcodes a fresh workspace gives, whatever came before", () => {
    const expected = [circle, cloud, small].map((input) => fresh(input));
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2, 0, 1]]) {
      const inputs = [circle, cloud, small];
      for (const k of order) assert.equal(exact(ripsPersistence(inputs[k]).diagrams), expected[k], `input ${k} after ${order.join(",")}`);
    }
  });

  it("leave a result untouched by later calls", () => {
    const first = ripsPersistence(circle, { collapse: true });
    const before = JSON.stringify(first);
    ripsPersistence(cloud);
    ripsPersistence(small, { collapse: true });
    assert.equal(JSON.stringify(first), before);
  });

  it("are not refilled by a call made from inside another (onProgress)", () => {
    let inner: string | undefined;
    const outer = ripsPersistence(circle, {
      onProgress: () => {
        inner ??= exact(ripsPersistence(cloud).diagrams);
      },
    });
    assert.equal(inner, fresh(cloud));
    assert.equal(exact(outer.diagrams), fresh(circle));
  });

  it("serve a caller's own workspace across sizes and dimensions", () => {
    const workspace = new Workspace();
    for (const [input, maxDim] of [[circle, 1], [small, 2], [cloud, 2], [circle, 1]] as const) {
      assert.equal(exact(ripsPersistence(input, { maxDim, workspace }).diagrams), fresh(input, maxDim));
    }
  });
});

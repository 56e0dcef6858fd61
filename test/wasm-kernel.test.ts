import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import fc from "fast-check";
import { buildFiltration, type Filtration } from "../src/tda/rips/filtration.ts";
import { collapseEdges, collapseFiltration } from "../src/tda/rips/edge-collapse.ts";
import { collapseKernel } from "../src/tda/rips/wasm/collapse-kernel.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";

/**
 * The WebAssembly edge-collapse kernel (src/tda/rips/wasm) against the JavaScript pass it
 * stands in for: the same surviving edges with the same ranks, the same rank matrix after,
 * and the same decision to give up; and the committed module is what its source compiles to.
 */

const settings = { seed: process.env.FC_SEED === undefined ? 4242 : Number(process.env.FC_SEED), numRuns: 60 };

function cloud(n: number, seed: number, loop: boolean, dimension = 3): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const t = random() * 2 * Math.PI;
    if (!loop) return Array.from({ length: dimension }, () => Math.round(random() * 40) / 10);
    return [Math.cos(t) + 0.1 * (random() - 0.5), Math.sin(t) + 0.1 * (random() - 0.5), 0.1 * (random() - 0.5)];
  });
}

/** Both passes on copies of one filtration: their edge lists and rank matrices after. */
function bothWays(f: Filtration): { kernel: { indices: number[]; ranks: number[]; matrix: Int32Array }; script: { indices: number[]; ranks: number[]; matrix: Int32Array } } {
  const run = (kernel: boolean) => {
    const matrix = f.dense!.slice();
    const kept = collapseEdges(f.n, matrix, f.infinite, f.edges, undefined, undefined, kernel);
    return { indices: Array.from(kept.indices.subarray(0, kept.size)), ranks: Array.from(kept.ranks.subarray(0, kept.size)), matrix };
  };
  return { kernel: run(true), script: run(false) };
}

describe("WebAssembly edge-collapse kernel", () => {
  it("loads in Node", () => {
    assert.ok(collapseKernel() !== null);
  });

  it("keeps the same edges at the same ranks as the JavaScript pass, on loops and clouds of 2 to 300 points (rows of one to five words)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), (n, seed, loop) => {
        const f = buildFiltration(cloud(n, seed, loop));
        const { kernel, script } = bothWays(f);
        assert.deepEqual(kernel.indices, script.indices);
        assert.deepEqual(kernel.ranks, script.ranks);
        assert.deepEqual(kernel.matrix, script.matrix);
      }),
      settings,
    );
  });

  it("agrees on ties: points on a small integer grid, where many edges share a length", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const points = Array.from({ length: 40 + seed * 4 }, () => [Math.floor(random() * 5), Math.floor(random() * 5), Math.floor(random() * 3)]);
      const { kernel, script } = bothWays(buildFiltration(points));
      assert.deepEqual(kernel.indices, script.indices, `seed ${seed}`);
      assert.deepEqual(kernel.ranks, script.ranks, `seed ${seed}`);
    }
  });

  it("moves edges as well as removing them (the later-time path is exercised)", () => {
    const f = buildFiltration(cloud(128, 7, true));
    const { kernel } = bothWays(f);
    const moved = kernel.indices.filter((index, i) => {
      const k = Array.from(f.edges.indices.subarray(0, f.edges.size)).indexOf(index);
      return f.edges.ranks[k] !== kernel.ranks[i];
    });
    assert.ok(moved.length > 0, "no edge was moved later");
  });

  it("gives up where the JavaScript pass gives up, and leaves the rank matrix as it was", () => {
    let gaveUp = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const f = buildFiltration(cloud(100, seed, false, 8));
      const before = f.dense!.slice();
      for (const limit of [0.5, 1, 2]) {
        const byKernel = collapseFiltration({ ...f, dense: f.dense!.slice() }, undefined, limit);
        const byScript = collapseFiltration({ ...f, dense: f.dense!.slice() }, undefined, limit, false);
        assert.equal(byKernel.edges === f.edges, byScript.edges === f.edges, `seed ${seed}, limit ${limit}`);
        if (byKernel.edges === f.edges) {
          gaveUp++;
          assert.deepEqual(byKernel.dense, before);
        } else assert.deepEqual(Array.from(byKernel.edges.indices.subarray(0, byKernel.edges.size)), Array.from(byScript.edges.indices.subarray(0, byScript.edges.size)));
      }
    }
    assert.ok(gaveUp > 0, "no case gave up");
  });

  it("is committed as its source compiles (npm run build:wasm -- --check)", () => {
    const run = spawnSync(process.execPath, ["scripts/build-wasm.ts", "--check"], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr + run.stdout);
  });
});

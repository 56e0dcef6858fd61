import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import fc from "fast-check";
import { persistenceAboveZero } from "../src/tda/rips.ts";
import { buildFiltration, type Filtration } from "../src/tda/rips/filtration.ts";
import { Workspace } from "../src/tda/rips/workspace.ts";
import { collapseEdges, collapseFiltration } from "../src/tda/rips/edge-collapse.ts";
import { ripsKernel } from "../src/tda/rips/wasm/rips-kernel.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import { sortedWindowOf } from "../testkit/windows.ts";

/**
 * The WebAssembly kernel (src/tda/rips/wasm) against the JavaScript it stands in for. The
 * edge collapse: the same surviving edges with the same ranks, the same rank matrix after,
 * and the same decision to give up. H1 of the collapsed filtration: RipsReducer's intervals,
 * in its order. And the committed module is what its source compiles to.
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
    assert.ok(ripsKernel() !== null);
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

/** H1 of a window (cut at `threshold`) by the kernel and by the collapse and RipsReducer in JavaScript. */
function h1BothWays(points: number[][], threshold?: number, workspace = new Workspace()) {
  const w = sortedWindowOf(points);
  const t = threshold ?? w.radius;
  const edges = w.sortedEdges.filter((e) => w.lower[e] <= t);
  const run = (kernel: boolean) => persistenceAboveZero(w.n, w.lower, t, edges, { maxDim: 1, kernel, workspace })[1];
  return { kernel: run(true), script: run(false) };
}

describe("WebAssembly H1 of the collapsed filtration", () => {
  it("gives RipsReducer's intervals in its order, on loops and clouds of 2 to 300 points, cut at the enclosing radius or below", () => {
    const workspace = new Workspace();
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), fc.constantFrom(undefined, 0.3, 0.8), (n, seed, loop, cut) => {
        const points = cloud(n, seed, loop);
        const { kernel, script } = h1BothWays(points, cut, workspace);
        assert.deepEqual(kernel, script);
      }),
      settings,
    );
  });

  it("agrees on ties (integer grids), and on classes that never die below the cut", () => {
    let unending = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const points = Array.from({ length: 40 + seed * 4 }, () => [Math.floor(random() * 5), Math.floor(random() * 5), Math.floor(random() * 3)]);
      const { kernel, script } = h1BothWays(points);
      assert.deepEqual(kernel, script, `grid, seed ${seed}`);
      const loop = h1BothWays(cloud(60 + seed, seed, true), 0.6);
      assert.deepEqual(loop.kernel, loop.script, `loop, seed ${seed}`);
      unending += loop.kernel.filter(([, death]) => death === Infinity).length;
    }
    assert.ok(unending > 0, "no class outlived the cut");
  });

  it("grows its working regions when a reduction needs more than they hold, with the same result", () => {
    const kernel = ripsKernel()!;
    const room = kernel.h1Room;
    try {
      kernel.h1Room = 4;
      const { kernel: small, script } = h1BothWays(cloud(200, 11, true));
      assert.deepEqual(small, script);
      assert.ok(kernel.h1Room > 4, "the regions never had to grow");
    } finally {
      kernel.h1Room = room;
    }
  });
});

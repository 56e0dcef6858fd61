import { test } from "node:test";
import assert from "node:assert/strict";
import { ripsPersistence } from "../src/tda/index.ts";
import type { AssemblyHelper } from "../src/tda/rips/assembly.ts";
import { assemblyWorker } from "../src/service/runtime/rips-threads.ts";
import { diagramKeys } from "../testkit/barcodes.ts";

function cloud(n: number, seed: number): number[][] {
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, () => [rnd(), rnd(), rnd()]);
}

// 300 points have over 30,000 edges within the enclosing radius: enough for assembly to be shared.
const points = cloud(300, 42);

function sameDiagrams(a: ReturnType<typeof ripsPersistence>, b: ReturnType<typeof ripsPersistence>, maxDim: number) {
  for (let dim = 0; dim <= maxDim; dim++) assert.deepEqual(diagramKeys(b.diagrams, dim), diagramKeys(a.diagrams, dim), `dimension ${dim}`);
}

test("assembly shared with a worker thread gives the single-thread barcodes", () => {
  // A worker that never loads answers null and the caller quietly does its share, which
  // gives the right barcodes too: so count the shares the worker itself computed.
  let shares = 0;
  let declined = 0;
  const counting = (f: Parameters<typeof assemblyWorker>[0], maxDim: number): AssemblyHelper => {
    const worker = assemblyWorker(f, maxDim);
    return {
      ...worker,
      end: () => {
        const share = worker.end();
        if (share === null) declined++;
        else shares++;
        return share;
      },
    };
  };
  // The full complex: collapsed (the default from H2 up), it has too few triangles to share.
  const single = ripsPersistence(points, { maxDim: 2, collapse: false });
  const threaded = ripsPersistence(points, { maxDim: 2, collapse: false, assemblyHelper: counting });
  assert.equal(declined, 0, "the worker answered every share it was given (it loaded)");
  assert.ok(shares >= 1, "the worker computed at least one share");
  sameDiagrams(single, threaded, 2);
});

test("a helper that cannot answer leaves the caller to do its share", () => {
  const silent = (): AssemblyHelper => ({ begin() {}, end: () => null, close() {} });
  sameDiagrams(ripsPersistence(points, { maxDim: 2, collapse: false }), ripsPersistence(points, { maxDim: 2, collapse: false, assemblyHelper: silent }), 2);
});

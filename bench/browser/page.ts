// The benchmark page's script (bundled by bench/browser.ts): the library as users get it,
// from its entry point, and one function the benchmark calls to time it.
import { ripsPersistence } from "../../src/tda/index.ts";

declare global {
  var timeRips: (points: number[][], maxDim: number, collapse: boolean) => { ms: number; intervals: number[] };
}

globalThis.timeRips = (points, maxDim, collapse) => {
  const started = performance.now();
  const { diagrams } = ripsPersistence(points, { maxDim, collapse });
  return { ms: performance.now() - started, intervals: diagrams.map((d) => d.length) };
};

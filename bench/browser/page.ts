// The benchmark page's script (bundled by bench/browser.ts): the library as users get it,
// from its entry point, and one function the benchmark calls to time it.
import { ripsPersistence } from "../../src/tda/index.ts";

declare global {
  /** `collapse` null: the library's default. */
  var timeRips: (points: number[][], maxDim: number, collapse: boolean | null, times: number) => { ms: number; intervals: number[] };
}

/** Computes `times` times; the wall time of them all, and the last barcodes' sizes. */
globalThis.timeRips = (points, maxDim, collapse, times) => {
  const started = performance.now();
  let intervals: number[] = [];
  for (let k = 0; k < times; k++) intervals = ripsPersistence(points, { maxDim, collapse: collapse ?? undefined }).diagrams.map((d) => d.length);
  return { ms: performance.now() - started, intervals };
};

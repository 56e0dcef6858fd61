/**
 * Dimension 1 over Z/2 of a flag filtration given as sorted edges, from the edges to the
 * intervals in one WebAssembly module (wasm/kernel.as.ts): the rank matrix, the edge
 * collapse and the reduction all run on its memory, so the collapsed filtration is never
 * copied out. The intervals are those of collapseFiltration then RipsReducer with
 * `skipH0Intervals`, in the same order (test/wasm-kernel.test.ts holds the two together).
 */
import type { Interval } from "../types.ts";
import { rankSortedEdges } from "./filtration.ts";
import { ABSENT_RANK, type RipsKernel } from "./wasm/rips-kernel.ts";

/**
 * H1 of the first `m` sorted edges (edge indices of `lower`, filtration order; see
 * persistenceAboveZero). `tops` maps an edge index to its larger vertex
 * (Workspace.edgeTops); `values` (at least m entries) is scratch for the distinct lengths.
 */
export function h1InKernel(kernel: RipsKernel, n: number, lower: Float32Array, sortedEdges: ArrayLike<number>, m: number, tops: Int32Array, values: Float32Array): Interval[] {
  kernel.reserve(n, m);
  rankSortedEdges(lower, sortedEdges, m, tops, values, kernel.tops, kernel.bottoms, kernel.edgeRanks);
  kernel.fillRanks(n, m);
  const survivors = kernel.collapse(n, m, ABSENT_RANK, -1, Infinity);
  const count = kernel.h1(n, survivors);
  const { births, deaths } = kernel;
  const intervals: Interval[] = new Array(count);
  for (let i = 0; i < count; i++) intervals[i] = [values[births[i]], deaths[i] < 0 ? Infinity : values[deaths[i]]];
  return intervals;
}

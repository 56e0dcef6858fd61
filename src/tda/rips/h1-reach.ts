/**
 * Where H1 of a flag filtration can stop short of its threshold.
 *
 * Call an edge uv *filled* when some vertex w is joined to both u and v by edges earlier in
 * the filtration order. If H1 is zero at a value T, and every edge after T is filled, then H1
 * stays zero up to the threshold: the cycle a filled edge closes is homologous to u–v–w,
 * which the triangle uvw (it enters with uv, its last edge) fills at once. Nothing is born
 * after T but zero-length pairs, nothing alive at T remains to die, so the H1 intervals of
 * the filtration cut at T are all of H1.
 *
 * The test needs an H1 computation up to T: when it reports no class alive at T, T was far
 * enough; otherwise the caller computes up to the threshold. A window of a stream guesses T
 * from the last death in its previous window. The tail it skips is the costly part: the
 * longest edges have the most common neighbours to collapse and to reduce.
 */
import { edgeTop } from "./filtration.ts";
import type { Workspace } from "./workspace.ts";

/**
 * The length of the last edge, in filtration order, that is not filled, when it is longer
 * than `above`; otherwise `above`. `sortedEdges` lists, in filtration order, every edge of
 * `lower` up to the length of its last one (as persistenceAboveZero takes them). The graph of
 * all of them is read off the matrix; then edges leave it from the last, each tested against
 * those before it, until one is unfilled or no longer than `above`.
 */
export function lastUnfilledLength(n: number, lower: Float32Array, sortedEdges: ArrayLike<number>, count: number, above: number, workspace: Workspace): number {
  if (count === 0 || lower[sortedEdges[count - 1]] <= above) return above;
  const words = (n + 31) >>> 5;
  const rows = workspace.int32("h1ReachRows", n * words).fill(0);
  const longest = lower[sortedEdges[count - 1]];
  for (let u = 1, e = 0; u < n; u++) {
    for (let v = 0; v < u; v++, e++) {
      if (lower[e] > longest) continue;
      rows[u * words + (v >>> 5)] |= 1 << (v & 31);
      rows[v * words + (u >>> 5)] |= 1 << (u & 31);
    }
  }
  for (let k = count - 1; k >= 0; k--) {
    const e = sortedEdges[k];
    if (lower[e] <= above) break;
    const u = edgeTop(e);
    const v = e - (u * (u - 1)) / 2;
    rows[u * words + (v >>> 5)] &= ~(1 << (v & 31));
    rows[v * words + (u >>> 5)] &= ~(1 << (u & 31));
    let shared = 0;
    for (let w = 0; w < words; w++) shared |= rows[u * words + w] & rows[v * words + w];
    if (shared === 0) return lower[e];
  }
  return above;
}

/** How many of the first `count` sorted edges are no longer than `value` (they come first). */
export function edgesUpTo(lower: Float32Array, sortedEdges: ArrayLike<number>, count: number, value: number): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (lower[sortedEdges[middle]] <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

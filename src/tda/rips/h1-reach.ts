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
 * enough; otherwise the caller tries a larger T, up to the threshold itself
 * (persistenceAboveZero). A window of a stream guesses T from the last death in its
 * previous window. The tail it skips is the costly part: the
 * longest edges have the most common neighbours to collapse and to reduce.
 */
/**
 * A length beyond which every edge is filled, at least `above`: the length of the last edge
 * found unfilled, going back from the last edge of `sortedEdges` (filtration order, edge
 * indices of `lower`) to the first no longer than `above`. An edge counts as filled when a
 * vertex is strictly nearer both its ends than they are to each other; ties are not
 * resolved, so an edge filled only through equal lengths counts as unfilled, which can only
 * make the bound larger. `tops` maps an edge index to its larger vertex (Workspace.edgeTops).
 *
 * `witnesses`, per edge index, is where a caller computing window after window over the
 * same indices keeps the vertex that last filled each edge (a stream's slot complex: a
 * slide keeps most points, and with them most of these). Entries are only tried first, and
 * checked like any other vertex, so a stale one costs a test and never changes the answer.
 */
export function lastUnfilledLength(n: number, lower: Float32Array, sortedEdges: ArrayLike<number>, count: number, above: number, tops: Int32Array, witnesses?: Uint16Array): number {
  // Then the vertex that filled the last edge: long edges share central vertices.
  let hint = 0;
  for (let k = count - 1; k >= 0; k--) {
    const e = sortedEdges[k];
    const length = lower[e];
    if (length <= above) break;
    const u = tops[e];
    const v = e - (u * (u - 1)) / 2;
    if (witnesses !== undefined) {
      const w = witnesses[e];
      if (w < n && nearerToBoth(lower, u, v, w, length)) continue;
    }
    if (!nearerToBoth(lower, u, v, hint, length)) {
      hint = -1;
      for (let w = 0; w < n && hint < 0; w++) if (nearerToBoth(lower, u, v, w, length)) hint = w;
      if (hint < 0) return length;
    }
    if (witnesses !== undefined) witnesses[e] = hint;
  }
  return above;
}

/** Whether w is another vertex than u and v (u > v) at distance below `length` from both. */
function nearerToBoth(lower: Float32Array, u: number, v: number, w: number, length: number): boolean {
  if (w === u || w === v) return false;
  const du = w < u ? lower[(u * (u - 1)) / 2 + w] : lower[(w * (w - 1)) / 2 + u];
  if (du >= length) return false;
  return (w < v ? lower[(v * (v - 1)) / 2 + w] : lower[(w * (w - 1)) / 2 + v]) < length;
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

/**
 * Edge collapse of a flag filtration: the same persistence from far fewer edges.
 *
 * An edge uv is dominated in a graph when some other vertex c is adjacent to u, v and every
 * common neighbour of u and v: removing uv is then a strong collapse of the flag complex,
 * which changes no homology (Boissonnat–Pritam). Over a filtration, edges are visited from
 * the last to the first (the backward pass of Glisse–Pritam): an edge dominated when it
 * appears is moved later, to the first time it stops being dominated, or removed when it
 * never does. Every interval of positive length keeps its endpoints; only zero-length pairs
 * and representatives change.
 *
 * Times are integer filtration ranks. Neighbourhoods are bitsets: `present` holds the graph
 * at the time of the edge being visited (every edge whose current rank is at most that), so
 * the first domination test is a few word operations per candidate; later times fall back
 * to the rank matrix for the few neighbours that arrived since.
 */
import { edgeTop, type Filtration } from "./filtration.ts";
import { SimplexList } from "./simplex-list.ts";

/**
 * Collapses the edges of a flag filtration. `ranks` is the n×n symmetric rank matrix
 * (`infinite` where there is no edge; the diagonal is ignored) and is modified: moved edges
 * get their new rank and removed ones `infinite`. `edges` lists the edges in filtration
 * order (rank ascending). Returns the surviving edges in filtration order (rank ascending,
 * then index descending).
 */
export function collapseEdges(n: number, ranks: Int32Array, infinite: number, edges: SimplexList): SimplexList {
  const words = (n + 31) >>> 5;
  const present = new Int32Array(n * words);
  const alive = new Int32Array(n * words);
  // Endpoints of every edge, decoded once.
  const top = new Int32Array(edges.size);
  const bottom = new Int32Array(edges.size);
  for (let k = 0; k < edges.size; k++) {
    const e = edges.indices[k];
    const u = edgeTop(e);
    const v = e - (u * (u - 1)) / 2;
    top[k] = u;
    bottom[k] = v;
    setBit(present, u * words, v);
    setBit(present, v * words, u);
  }
  alive.set(present);
  const common = new Int32Array(words);
  const laterTime = new Int32Array(n);
  const laterVertex = new Int32Array(n);
  /** Edges kept at the rank being visited: they leave `present` once the visit passes below it. */
  const keptHere = new Int32Array(edges.size);
  let keptHereCount = 0;
  let currentRank = -1;
  /** Surviving edges (by position in `edges`) with their rank, and removed ones. */
  const kept = new Int32Array(edges.size);
  const keptRank = new Int32Array(edges.size);
  let keptCount = 0;
  let lastDominator = -1;
  for (let k = edges.size - 1; k >= 0; k--) {
    const e = edges.indices[k];
    const start = edges.ranks[k];
    if (start !== currentRank) {
      for (let h = 0; h < keptHereCount; h++) clearEdge(present, words, top[keptHere[h]], bottom[keptHere[h]]);
      keptHereCount = 0;
      currentRank = start;
    }
    const u = top[k];
    const v = bottom[k];
    const rowU = u * words;
    const rowV = v * words;
    // Common neighbours there at `start`; those arriving later are listed only if needed.
    for (let w = 0; w < words; w++) common[w] = present[rowU + w] & present[rowV + w];
    clearBit(common, 0, u);
    clearBit(common, 0, v);
    let laterCount = -1;
    let time = start;
    let next = 0;
    let removed = false;
    for (;;) {
      const dominator = findDominator(ranks, n, present, alive, words, common, time, start, lastDominator);
      if (dominator < 0) break;
      lastDominator = dominator;
      if (laterCount < 0) laterCount = listLater(ranks, n, alive, words, common, u, v, laterTime, laterVertex);
      // Dominated until a common neighbour arrives that the dominator does not see by then.
      let still = true;
      while (still) {
        if (next === laterCount) {
          removed = true;
          break;
        }
        time = laterTime[next];
        while (next < laterCount && laterTime[next] === time) {
          const x = laterVertex[next++];
          if (ranks[dominator * n + x] > time) still = false;
          setBit(common, 0, x);
        }
      }
      if (removed) break;
    }
    if (removed || time !== start) {
      clearEdge(present, words, u, v);
      if (removed) {
        clearEdge(alive, words, u, v);
        ranks[u * n + v] = infinite;
        ranks[v * n + u] = infinite;
        continue;
      }
      ranks[u * n + v] = time;
      ranks[v * n + u] = time;
    } else keptHere[keptHereCount++] = k;
    kept[keptCount] = k;
    keptRank[keptCount++] = time;
  }
  return inFiltrationOrder(n, edges, kept, keptRank, keptCount);
}

/** The common neighbours of u and v not in `common` yet, by the time they arrive. */
function listLater(
  ranks: Int32Array,
  n: number,
  alive: Int32Array,
  words: number,
  common: Int32Array,
  u: number,
  v: number,
  times: Int32Array,
  vertices: Int32Array,
): number {
  let count = 0;
  for (let w = 0; w < words; w++) {
    let later = alive[u * words + w] & alive[v * words + w] & ~common[w];
    while (later !== 0) {
      const low = later & -later;
      later ^= low;
      const x = (w << 5) + 31 - Math.clz32(low);
      if (x === u || x === v) continue;
      const a = ranks[u * n + x];
      const b = ranks[v * n + x];
      times[count] = a > b ? a : b;
      vertices[count++] = x;
    }
  }
  sortByTime(times, vertices, count);
  return count;
}

/**
 * A vertex c among `common` adjacent by `time` to every other vertex of `common`, or -1.
 * `present` is the graph at `start`; neighbours of c missing from it are checked by rank
 * (none can be there when time = start). The last dominator found is tried first: a few
 * central vertices dominate most edges.
 */
function findDominator(
  ranks: Int32Array,
  n: number,
  present: Int32Array,
  alive: Int32Array,
  words: number,
  common: Int32Array,
  time: number,
  start: number,
  hint: number,
): number {
  if (time === start) return findDominatorAtStart(present, words, common, hint);
  if (hint >= 0 && (common[hint >>> 5] & (1 << (hint & 31))) !== 0 && dominates(ranks, n, present, alive, words, common, hint, time)) return hint;
  for (let w = 0; w < words; w++) {
    let bits = common[w];
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const c = (w << 5) + 31 - Math.clz32(low);
      if (c !== hint && dominates(ranks, n, present, alive, words, common, c, time)) return c;
    }
  }
  return -1;
}

/** The same at the edge's own time, when `present` is the whole graph: bitsets only. */
function findDominatorAtStart(present: Int32Array, words: number, common: Int32Array, hint: number): number {
  if (hint >= 0 && (common[hint >>> 5] & (1 << (hint & 31))) !== 0 && seesAll(present, words, common, hint)) return hint;
  for (let w = 0; w < words; w++) {
    let bits = common[w];
    while (bits !== 0) {
      const low = bits & -bits;
      bits ^= low;
      const c = (w << 5) + 31 - Math.clz32(low);
      if (c !== hint && seesAll(present, words, common, c)) return c;
    }
  }
  return -1;
}

/** Whether every vertex of `common` other than c is a neighbour of c in `present`. */
function seesAll(present: Int32Array, words: number, common: Int32Array, c: number): boolean {
  const row = c * words;
  const own = c >>> 5;
  for (let w = 0; w < words; w++) {
    const missing = common[w] & ~present[row + w];
    if (missing !== 0 && (w !== own || missing !== 1 << (c & 31))) return false;
  }
  return true;
}

/** Whether c is adjacent by `time` to every other vertex of `common`: bitsets first, ranks for the rest. */
function dominates(ranks: Int32Array, n: number, present: Int32Array, alive: Int32Array, words: number, common: Int32Array, c: number, time: number): boolean {
  // A vertex that never sees all of them (in the final graph) never will by `time` either.
  if (!seesAll(alive, words, common, c)) return false;
  const row = c * words;
  for (let w = 0; w < words; w++) {
    let missing = common[w] & ~present[row + w];
    if (w === c >>> 5) missing &= ~(1 << (c & 31));
    while (missing !== 0) {
      const low = missing & -missing;
      missing ^= low;
      if (ranks[c * n + (w << 5) + 31 - Math.clz32(low)] > time) return false;
    }
  }
  return true;
}

function setBit(bits: Int32Array, row: number, x: number): void {
  bits[row + (x >>> 5)] |= 1 << (x & 31);
}

function clearBit(bits: Int32Array, row: number, x: number): void {
  bits[row + (x >>> 5)] &= ~(1 << (x & 31));
}

function clearEdge(bits: Int32Array, words: number, u: number, v: number): void {
  clearBit(bits, u * words, v);
  clearBit(bits, v * words, u);
}

/** Insertion sort of (time, vertex) pairs by time: lists are short. */
function sortByTime(times: Int32Array, vertices: Int32Array, count: number): void {
  for (let i = 1; i < count; i++) {
    const t = times[i];
    const w = vertices[i];
    let j = i - 1;
    while (j >= 0 && times[j] > t) {
      times[j + 1] = times[j];
      vertices[j + 1] = vertices[j];
      j--;
    }
    times[j + 1] = t;
    vertices[j + 1] = w;
  }
}

/** Kept edges were collected by decreasing position and some moved: sorted by rank, then index descending. */
function inFiltrationOrder(n: number, edges: SimplexList, kept: Int32Array, ranks: Int32Array, count: number): SimplexList {
  const keys = new Float64Array(count);
  const span = (n * (n - 1)) / 2;
  for (let k = 0; k < count; k++) keys[k] = ranks[k] * span + (span - 1 - edges.indices[kept[k]]);
  keys.sort();
  const list = new SimplexList(Math.max(1, count));
  for (let k = 0; k < count; k++) {
    const rank = Math.floor(keys[k] / span);
    list.push(span - 1 - (keys[k] - rank * span), rank);
  }
  return list;
}

/**
 * The filtration with its edges collapsed: same persistence intervals, far fewer edges.
 * Takes over `f.dense`, which must be present (the collapse reads and rewrites ranks in it).
 */
export function collapseFiltration(f: Filtration): Filtration {
  if (!f.dense) throw new Error("edge collapse needs the rank matrix");
  const edges = collapseEdges(f.n, f.dense, f.infinite, f.edges);
  return { ...f, edges, offsets: null, neighbors: null, neighborRanks: null };
}

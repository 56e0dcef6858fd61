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
 * Times are integer filtration ranks. Neighbourhoods are bitsets of closed neighbourhoods
 * (each vertex in its own row, so c dominates uv exactly when row c holds the rows of u and
 * v intersected): `present` holds the graph at the rank being visited (every edge whose
 * current rank is at most that), so the first domination test is a few word operations per
 * candidate; at later times only the neighbours missing from it are looked up in the rank
 * matrix. Most edges are settled by that first test: dominated, with no common neighbour
 * left to arrive, they go at once. The pass runs in WebAssembly where the host has it
 * (wasm/edge-collapse.as.ts: the same steps on 64-bit words, about twice as fast).
 */
import { edgeTop, type EdgeEnds, type Filtration } from "./filtration.ts";
import { SimplexList } from "./simplex-list.ts";
import { Workspace } from "./workspace.ts";
import { ripsKernel, type RipsKernel } from "./wasm/rips-kernel.ts";

/** A time after every rank. */
const NEVER = 0x7fffffff;

/**
 * The filtration with its edges collapsed: same persistence intervals, far fewer edges.
 * Takes over `f.dense`, which must be present (the collapse reads and rewrites ranks in it).
 * With a `workspace`, the working arrays and the new edge list live there.
 *
 * With `giveUpAbove`, a collapse whose first edges cost more than that many domination
 * tests each on average (most common neighbours tried, few dominating: spread-out data,
 * where little would be removed) stops there and returns `f` itself, its ranks as they were.
 * `kernel` false keeps the pass in JavaScript (see collapseEdges).
 */
export function collapseFiltration(f: Filtration, workspace = new Workspace(), giveUpAbove = Infinity, kernel = true): Filtration {
  if (!f.dense) throw new Error("edge collapse needs the rank matrix");
  const edges = collapseOrGiveUp(f.n, f.dense, f.infinite, f.edges, workspace, f.edgeEnds, giveUpAbove, kernel);
  if (edges === null) return f;
  return { ...f, edges, edgeEnds: undefined, offsets: null, neighbors: null, neighborRanks: null };
}

/** The share of the edges (visited first) whose domination tests decide whether to give up. */
const GIVE_UP_SAMPLE = 1 / 64;
/** Fewer edges than this say too little to give up on. */
const GIVE_UP_MIN_EDGES = 256;

/**
 * Collapses the edges of a flag filtration. `ranks` is the n×n symmetric rank matrix
 * (`infinite` where there is no edge; the diagonal is ignored) and is modified: moved edges
 * get their new rank and removed ones `infinite`. `edges` lists the edges in filtration
 * order (rank ascending), with their endpoints in `ends` when the caller has them. Returns the
 * surviving edges in filtration order (rank ascending, then index descending). The pass
 * runs in the WebAssembly kernel (wasm/edge-collapse.as.ts) unless `kernel` is false or
 * the host has no WebAssembly; both give the same edges.
 */
export function collapseEdges(n: number, ranks: Int32Array, infinite: number, edges: SimplexList, workspace = new Workspace(), ends?: EdgeEnds, kernel = true): SimplexList {
  return collapseOrGiveUp(n, ranks, infinite, edges, workspace, ends, Infinity, kernel)!;
}

/** collapseEdges, or null (ranks as they were) when the sample's domination tests average above `giveUpAbove`. */
function collapseOrGiveUp(n: number, ranks: Int32Array, infinite: number, edges: SimplexList, workspace: Workspace, ends: EdgeEnds | undefined, giveUpAbove: number, useKernel = true): SimplexList | null {
  const checkAt = giveUpAbove === Infinity || edges.size < GIVE_UP_MIN_EDGES ? -1 : edges.size - Math.max(GIVE_UP_MIN_EDGES, Math.ceil(edges.size * GIVE_UP_SAMPLE));
  const kernel = useKernel ? ripsKernel() : null;
  let survivors: { count: number; kept: Int32Array; keptRank: Int32Array; top: Int32Array; bottom: Int32Array };
  if (kernel !== null) {
    const count = collapseInKernel(kernel, n, ranks, infinite, edges, ends, checkAt, giveUpAbove);
    if (count < 0) return null;
    survivors = { count, kept: kernel.kept, keptRank: kernel.keptRanks, top: kernel.tops, bottom: kernel.bottoms };
  } else {
    const graph = new CollapseGraph(n, ranks, edges, workspace, ends);
    const kept = workspace.int32("collapseKept", edges.size);
    const keptRank = workspace.int32("collapseKeptRank", edges.size);
    const count = visitEdges(graph, n, ranks, infinite, edges, workspace, checkAt, giveUpAbove, kept, keptRank);
    if (count < 0) return null;
    survivors = { count, kept, keptRank, top: graph.top, bottom: graph.bottom };
  }
  // Removed edges may still hold their ranks (the passes read ranks of live edges only): one
  // fill and the survivors' ranks cost less than a scattered write per removed edge.
  const { count, kept, keptRank, top, bottom } = survivors;
  ranks.fill(infinite);
  for (let i = 0; i < count; i++) {
    const k = kept[i];
    ranks[top[k] * n + bottom[k]] = keptRank[i];
    ranks[bottom[k] * n + top[k]] = keptRank[i];
  }
  return inFiltrationOrder(n, edges, kept, keptRank, count, workspace);
}

/** The backward pass in the kernel, on copies of the inputs (`ranks` is left as it was): the survivors' count, or -1. */
function collapseInKernel(kernel: RipsKernel, n: number, ranks: Int32Array, infinite: number, edges: SimplexList, ends: EdgeEnds | undefined, checkAt: number, giveUpAbove: number): number {
  const m = edges.size;
  kernel.reserve(n, m);
  kernel.ranks.set(ranks.subarray(0, n * n));
  kernel.edgeRanks.set(edges.ranks.subarray(0, m));
  if (ends) {
    kernel.tops.set(ends.top.subarray(0, m));
    kernel.bottoms.set(ends.bottom.subarray(0, m));
  } else decodeEnds(edges, kernel.tops, kernel.bottoms);
  return kernel.collapse(n, m, infinite, checkAt, giveUpAbove);
}

/**
 * The backward pass: `kept` and `keptRank` get the surviving edges (by position in `edges`)
 * with their ranks, last first. Returns how many, or -1 when it gives up at edge `checkAt`
 * (ranks restored).
 */
function visitEdges(graph: CollapseGraph, n: number, ranks: Int32Array, infinite: number, edges: SimplexList, workspace: Workspace, checkAt: number, giveUpAbove: number, kept: Int32Array, keptRank: Int32Array): number {
  const { common, laterTime, laterVertex, present, alive } = graph;
  /** Edges kept at the rank being visited: they leave `present` once the visit passes below it. */
  const keptHere = workspace.int32("collapseKeptHere", edges.size);
  let keptHereCount = 0;
  let currentRank = -1;
  let keptCount = 0;
  let lastDominator = -1;
  for (let k = edges.size - 1; k >= 0; k--) {
    if (k === checkAt && graph.tests > giveUpAbove * (edges.size - 1 - k)) {
      graph.restoreRanks(edges, k + 1);
      return -1;
    }
    const start = edges.ranks[k];
    if (start !== currentRank) {
      for (let h = 0; h < keptHereCount; h++) graph.unlink(present, keptHere[h]);
      keptHereCount = 0;
      currentRank = start;
    }
    const u = graph.top[k];
    const v = graph.bottom[k];
    // A dominator now (the last one found tried first), and whether some common neighbour arrives later.
    let dominator = graph.dominatorNow(u, v, lastDominator);
    if (dominator >= 0 && !graph.laterAny) {
      // Dominated now, and no common neighbour is left to arrive: dominated for good.
      lastDominator = dominator;
      graph.unlink(present, k);
      graph.unlink(alive, k);
      continue;
    }
    let laterCount = -1;
    let time = start;
    let removed = false;
    while (dominator >= 0) {
      lastDominator = dominator;
      if (laterCount < 0) laterCount = graph.listLater(u, v);
      // Dominated until the first arrival of a common neighbour the dominator does not see by then.
      let until = NEVER;
      for (let i = 0; i < laterCount; i++) {
        const t = laterTime[i];
        const x = laterVertex[i];
        // A removed edge keeps its old rank until the visit ends: absent is what `alive` says.
        if (t > time && t < until && (!graph.has(alive, dominator, x) || ranks[dominator * n + x] > t)) until = t;
      }
      if (until === NEVER) {
        removed = true;
        break;
      }
      time = until;
      for (let i = 0; i < laterCount; i++) {
        const x = laterVertex[i];
        if (laterTime[i] <= time) common[x >>> 5] |= 1 << (x & 31);
      }
      dominator = graph.findDominator(u, v, time, start, lastDominator);
    }
    if (removed || time !== start) {
      graph.unlink(present, k);
      const rank = removed ? infinite : time;
      ranks[u * n + v] = rank;
      ranks[v * n + u] = rank;
      if (removed) {
        graph.unlink(alive, k);
        continue;
      }
    } else keptHere[keptHereCount++] = k;
    kept[keptCount] = k;
    keptRank[keptCount++] = time;
  }
  // Nothing follows the loop: V8 compiles it while it runs (on-stack replacement), before code
  // after it has run, and such code drops the compiled function at its first property access.
  return keptCount;
}

/** The collapse's working state: adjacency bitsets, the current edge's common neighbours. */
class CollapseGraph {
  readonly n: number;
  readonly words: number;
  readonly ranks: Int32Array;
  /** Row per vertex: the vertex and its neighbours through edges whose current rank is at most the visited one. */
  readonly present: Int32Array;
  /** Row per vertex: the vertex and its neighbours through edges not removed (the final graph). */
  readonly alive: Int32Array;
  /** Endpoints of every edge, by position in the edge list. */
  readonly top: Int32Array;
  readonly bottom: Int32Array;
  /** Common neighbours of the visited edge and its two ends, as of the time being tested. */
  readonly common: Int32Array;
  /** Common neighbours still to arrive, and when. */
  readonly laterTime: Int32Array;
  readonly laterVertex: Int32Array;
  /** Domination tests so far: what the collapse has cost. */
  tests = 0;
  /** Whether a common neighbour of the visited edge arrives after its rank (set by dominatorNow). */
  laterAny = false;

  constructor(n: number, ranks: Int32Array, edges: SimplexList, workspace: Workspace, ends: EdgeEnds | undefined) {
    this.n = n;
    this.ranks = ranks;
    const words = (this.words = (n + 31) >>> 5);
    this.present = workspace.int32("collapsePresent", n * words).fill(0);
    // Closed neighbourhoods: every vertex is in its own row.
    for (let x = 0; x < n; x++) this.present[x * words + (x >>> 5)] = 1 << (x & 31);
    this.top = ends?.top ?? workspace.int32("collapseTop", edges.size);
    this.bottom = ends?.bottom ?? workspace.int32("collapseBottom", edges.size);
    if (!ends) decodeEnds(edges, this.top, this.bottom);
    linkEdges(this.present, words, edges.size, this.top, this.bottom);
    this.alive = workspace.int32("collapseAlive", n * words);
    this.alive.set(this.present);
    this.common = workspace.int32("collapseCommon", words);
    this.laterTime = workspace.int32("collapseLaterTime", n);
    this.laterVertex = workspace.int32("collapseLaterVertex", n);
  }

  /** Puts back the ranks of edges `from` to the last, which the visit may have moved or removed. */
  restoreRanks(edges: SimplexList, from: number): void {
    const { n, ranks, top, bottom } = this;
    for (let k = from; k < edges.size; k++) {
      ranks[top[k] * n + bottom[k]] = edges.ranks[k];
      ranks[bottom[k] * n + top[k]] = edges.ranks[k];
    }
  }

  /** Removes edge k from one of the bitset graphs. */
  unlink(bits: Int32Array, k: number): void {
    const u = this.top[k];
    const v = this.bottom[k];
    bits[u * this.words + (v >>> 5)] &= ~(1 << (v & 31));
    bits[v * this.words + (u >>> 5)] &= ~(1 << (u & 31));
  }

  /** Whether x is in row r of a bitset graph. */
  has(bits: Int32Array, r: number, x: number): boolean {
    return (bits[r * this.words + (x >>> 5)] & (1 << (x & 31))) !== 0;
  }

  /**
   * `common` := the closed neighbourhoods of u and v intersected at the visited rank, and
   * `laterAny` := whether some other common neighbour arrives later (`present` lies within
   * `alive`). Returns a vertex that dominates uv now, or -1 (findDominator).
   */
  dominatorNow(u: number, v: number, hint: number): number {
    const { present, alive, common, words } = this;
    const ru = u * words;
    const rv = v * words;
    let later = 0;
    for (let w = 0; w < words; w++) {
      const both = present[ru + w] & present[rv + w];
      common[w] = both;
      later |= (alive[ru + w] & alive[rv + w]) ^ both;
    }
    this.laterAny = later !== 0;
    return this.findDominator(u, v, 0, 0, hint);
  }

  /** Lists the common neighbours of u and v not in `common` yet, with the time they arrive; returns how many. */
  listLater(u: number, v: number): number {
    const { alive, common, words, ranks, n, laterTime, laterVertex } = this;
    let count = 0;
    for (let w = 0; w < words; w++) {
      let later = alive[u * words + w] & alive[v * words + w] & ~common[w];
      while (later !== 0) {
        const low = later & -later;
        later ^= low;
        const x = (w << 5) + 31 - Math.clz32(low);
        const a = ranks[u * n + x];
        const b = ranks[v * n + x];
        laterTime[count] = a > b ? a : b;
        laterVertex[count++] = x;
      }
    }
    return count;
  }

  /**
   * A vertex c of `common` other than u and v adjacent by `time` to every vertex of
   * `common`, or -1. At the edge's own rank the last dominator found is tried first: a few
   * central vertices dominate most edges. Later, `hint` is the edge's dominator until
   * `time`, which fails by construction and is not tried.
   */
  findDominator(u: number, v: number, time: number, start: number, hint: number): number {
    const common = this.common;
    if (time === start && hint >= 0 && hint !== u && hint !== v && (common[hint >>> 5] & (1 << (hint & 31))) !== 0 && this.dominates(hint, time, start)) return hint;
    for (let w = 0; w < this.words; w++) {
      let bits = common[w];
      while (bits !== 0) {
        const low = bits & -bits;
        bits ^= low;
        const c = (w << 5) + 31 - Math.clz32(low);
        if (c !== hint && c !== u && c !== v && this.dominates(c, time, start)) return c;
      }
    }
    return -1;
  }

  /**
   * Whether c is adjacent by `time` to every vertex of `common` (its closed neighbourhood
   * holds them). `present` is the graph at `start`, so at that time the bitsets answer
   * alone; later, a vertex that does not see them all in the final graph never will, and
   * the others' neighbours missing from `present` are looked up by rank.
   */
  dominates(c: number, time: number, start: number): boolean {
    this.tests++;
    if (time === start) return this.seesAll(this.present, c);
    if (!this.seesAll(this.alive, c)) return false;
    const { present, common, words, ranks } = this;
    const row = c * words;
    for (let w = 0; w < words; w++) {
      let missing = common[w] & ~present[row + w];
      while (missing !== 0) {
        const low = missing & -missing;
        missing ^= low;
        if (ranks[c * this.n + (w << 5) + 31 - Math.clz32(low)] > time) return false;
      }
    }
    return true;
  }

  /** Whether every vertex of `common` is in c's row of `bits`. */
  seesAll(bits: Int32Array, c: number): boolean {
    const { common, words } = this;
    const row = c * words;
    for (let w = 0; w < words; w++) if ((common[w] & ~bits[row + w]) !== 0) return false;
    return true;
  }
}

/** The ends of every edge of the list: larger vertex in `top`. */
function decodeEnds(edges: SimplexList, top: Int32Array, bottom: Int32Array): void {
  for (let k = 0; k < edges.size; k++) {
    const e = edges.indices[k];
    const t = edgeTop(e);
    top[k] = t;
    bottom[k] = e - (t * (t - 1)) / 2;
  }
}

/**
 * Sets the bits of the first `count` edges in `rows`. A function of its own: V8 compiles a
 * long loop while it runs, before the calls after it have been seen, and code compiled so
 * drops out at the first such call.
 */
function linkEdges(rows: Int32Array, words: number, count: number, top: Int32Array, bottom: Int32Array): void {
  for (let k = 0; k < count; k++) {
    const u = top[k];
    const v = bottom[k];
    rows[u * words + (v >>> 5)] |= 1 << (v & 31);
    rows[v * words + (u >>> 5)] |= 1 << (u & 31);
  }
}

/** Kept edges were collected by decreasing position and some moved: sorted by rank, then index descending. */
function inFiltrationOrder(n: number, edges: SimplexList, kept: Int32Array, ranks: Int32Array, count: number, workspace: Workspace): SimplexList {
  const keys = workspace.float64("collapseKeys", count);
  const span = (n * (n - 1)) / 2;
  for (let k = 0; k < count; k++) keys[k] = ranks[k] * span + (span - 1 - edges.indices[kept[k]]);
  keys.sort();
  const list = SimplexList.of(workspace.float64("collapsedIndices", count), workspace.int32("collapsedRanks", count));
  for (let k = 0; k < count; k++) {
    const rank = Math.floor(keys[k] / span);
    list.indices[k] = span - 1 - (keys[k] - rank * span);
    list.ranks[k] = rank;
  }
  return list;
}

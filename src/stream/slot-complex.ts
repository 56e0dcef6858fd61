/**
 * The incremental part of a window: its points in fixed slots, the distances between them,
 * the edges in filtration order, their enclosing radius and, per computation, the minimum
 * spanning forest.
 *
 * A slide removes a few points and adds a few. Only the rows of the slots that changed are
 * recomputed; the sorted edge list keeps every edge between surviving points in place, drops
 * the edges of removed points and merges in the (sorted) edges of the new ones, so a slide
 * costs O(k·n·log(k·n) + n²) for k changed points instead of sorting n²/2 edges again.
 *
 * Conventions (shared with the batch engine, so results are identical):
 * - distance matrix: compressed lower triangle over slots, entry (i, j), i > j, at
 *   i·(i−1)/2 + j, Ripser's float32 Euclidean distance (tda/rips/filtration.ts);
 * - filtration order of edges: distance ascending, ties by larger edge index first (Ripser's
 *   order for H0). H0 comes from the spanning forest Kruskal grows along that order; the
 *   edges up to the threshold, in that order, go to the batch engine's reduction for H1 and
 *   above (tda/rips.ts persistenceAboveZero), which then needs no sort.
 *
 * A complex owns only what must outlive a call: the points, the distances and the sorted edges
 * (about 4·n² bytes for n slots), each point's farthest distance with the point it is to
 * (so a slide reads again only the rows whose farthest point left, not all n²/2 distances),
 * and per edge the point that last filled it (n² bytes; tda/rips/h1-reach.ts).
 * The merge buffer, the relabelled edges of a partly filled
 * window and the engine's workspace are scratch shared by every complex of the same capacity
 * (all work is synchronous), so many keys cost little more than their own state. Computing
 * allocates only the result.
 */
import { euclideanFloat32, persistenceAboveZero, edgesUpTo, Workspace } from "../tda/rips.ts";
import type { Diagrams, Interval } from "../tda/types.ts";

/** Most slots a complex can have: a window that large keeps 42 MB of distances, edges and witnesses. */
export const MAX_WINDOW_POINTS = 2896;

export class SlotComplex {
  readonly capacity: number;
  readonly dimension: number;
  /** Per slot: sequence number of the point in it, or -1 when free. */
  readonly slotSeq: Float64Array;
  /** Per slot: coordinates, already rounded to float32 as Ripser reads them. */
  readonly coords: Float32Array;
  /** Compressed lower triangle over all slots. Entries of a slot emptied since the last commit are NaN, so its edges drop out of the merge; other entries of free slots are stale. */
  readonly distances: Float32Array;
  live = 0;

  /** Row starts i·(i−1)/2. */
  private readonly rowStart: Int32Array;
  /** Edge index → its larger slot (the workspace's table, shared by complexes of this capacity). */
  private readonly tops: Int32Array;
  /** Edges between live slots (indices into `distances`), in filtration order. Swapped with the scratch merge buffer at each commit. */
  private sorted: Int32Array;
  private edgeCount = 0;
  private readonly scratch: Scratch;
  /** Slots filled since the last commit: their new edges are to be merged. */
  private readonly fresh: Uint8Array;
  /** The live points' enclosing radius (min over points of the farthest distance), found by the last commit. */
  private enclosing = 0;
  /** Per slot: its farthest distance to another live point, and that point's slot (-1: none), as of the last commit. */
  private readonly rowMax: Float64Array;
  private readonly farthest: Int32Array;
  /** Slots emptied since the last commit: a point whose farthest partner was one of them looks again. */
  private readonly emptied: Uint8Array;
  /** Where H1 is expected to end, from the previous computation (tda/rips/h1-reach.ts, used for H1 alone); undefined before the first. */
  private reachGuess: number | undefined;
  /** Per edge index, the point that last filled that edge (tda/rips/h1-reach.ts): a guess tried first at the next window. */
  private readonly witnesses: Uint16Array;

  constructor(capacity: number, dimension: number) {
    if (capacity < 1 || capacity > MAX_WINDOW_POINTS) throw new RangeError(`slot complex: capacity ${capacity} must be from 1 to ${MAX_WINDOW_POINTS}`);
    this.capacity = capacity;
    this.dimension = dimension;
    const edges = (capacity * (capacity - 1)) / 2;
    this.slotSeq = new Float64Array(capacity).fill(-1);
    this.coords = new Float32Array(capacity * dimension);
    this.distances = new Float32Array(edges);
    this.rowStart = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.rowStart[i] = (i * (i - 1)) / 2;
    this.sorted = new Int32Array(edges);
    this.fresh = new Uint8Array(capacity);
    this.rowMax = new Float64Array(capacity);
    this.farthest = new Int32Array(capacity).fill(-1);
    this.emptied = new Uint8Array(capacity);
    this.witnesses = new Uint16Array(edges);
    this.scratch = scratchFor(capacity);
    this.tops = this.scratch.workspace.edgeTops(capacity);
  }

  /** Empties a slot; its edges leave at the next commit (their lengths become NaN). */
  remove(slot: number): void {
    if (this.slotSeq[slot] < 0) return;
    this.slotSeq[slot] = -1;
    this.fresh[slot] = 0;
    this.emptied[slot] = 1;
    this.live--;
    const { distances, rowStart } = this;
    for (let t = 0; t < slot; t++) distances[rowStart[slot] + t] = NaN;
    for (let t = slot + 1; t < this.capacity; t++) distances[rowStart[t] + slot] = NaN;
  }

  /** Empties every slot. */
  clear(): void {
    for (let s = 0; s < this.capacity; s++) this.remove(s);
  }

  /** Puts a point (coordinates `source[offset .. offset+dimension)`) into the lowest free slot and returns the slot. */
  add(seq: number, source: ArrayLike<number>, offset: number): number {
    let slot = 0;
    while (slot < this.capacity && this.slotSeq[slot] >= 0) slot++;
    if (slot === this.capacity) throw new RangeError(`slot complex: all ${this.capacity} slots are taken`);
    this.slotSeq[slot] = seq;
    const base = slot * this.dimension;
    for (let k = 0; k < this.dimension; k++) this.coords[base + k] = source[offset + k];
    this.fresh[slot] = 1;
    this.live++;
    return slot;
  }

  /** Largest sequence number held, or -1. */
  maxSeq(): number {
    let max = -1;
    for (let s = 0; s < this.capacity; s++) if (this.slotSeq[s] > max) max = this.slotSeq[s];
    return max;
  }

  /** Brings distances and the sorted edge list up to date with the adds and removes since the last commit. */
  commit(): void {
    const { fresh, slotSeq, rowStart, distances, capacity } = this;
    const scratch = this.scratch;
    // 1. The new points' edges to every live point (pairs of new points once) by decreasing
    // index, then stably sorted by length: ties keep the larger index first. The lengths enter
    // `distances` only after the merge: until then the old edges of a refilled slot still read NaN.
    const { freshSlots } = scratch;
    let freshCount = 0;
    for (let s = capacity - 1; s >= 0; s--) if (fresh[s] === 1) freshSlots[freshCount++] = s;
    // The enclosing radius: each live point's farthest distance. A point that stayed keeps
    // its farthest unless that partner left (then its row is read again); new edges raise it.
    const { rowMax, farthest, emptied } = this;
    for (let i = 0; i < capacity; i++) {
      if (slotSeq[i] < 0) continue;
      if (fresh[i] === 1) {
        rowMax[i] = 0;
        farthest[i] = -1;
      } else if (farthest[i] < 0 || emptied[farthest[i]] === 1) this.farthestStaying(i);
    }
    const edgesIn = scratch.freshEdges[0];
    const lengthsIn = scratch.freshLength[0];
    let added = 0;
    for (let i = capacity - 1; i > 0; i--) {
      if (slotSeq[i] < 0) continue;
      if (fresh[i] === 1) {
        for (let j = i - 1; j >= 0; j--) {
          if (slotSeq[j] < 0) continue;
          edgesIn[added] = rowStart[i] + j;
          lengthsIn[added++] = this.newEdgeLength(i, j);
        }
      } else {
        for (let f = 0; f < freshCount; f++) {
          const j = freshSlots[f];
          if (j >= i) continue;
          edgesIn[added] = rowStart[i] + j;
          lengthsIn[added++] = this.newEdgeLength(i, j);
        }
      }
    }
    const side = sortByLength(scratch, added);
    const freshEdges = scratch.freshEdges[side];
    const freshLength = scratch.freshLength[side];
    // 2. One pass over the old order into the other buffer: edges of emptied slots (NaN) drop
    // out, the new ones merge in (shorter first, equal lengths by larger index).
    const sorted = this.sorted;
    const merged = scratch.merged;
    // A NaN after the last new edge compares false with every length: it ends the inner loop.
    freshLength[added] = NaN;
    let b = 0;
    let nextLength = freshLength[0];
    let nextEdge = freshEdges[0];
    let out = 0;
    const edgeCount = this.edgeCount;
    for (let k = 0; k < edgeCount; k++) {
      const e = sorted[k];
      const length = distances[e];
      // A NaN (an edge of an emptied slot) compares false: no new edge goes before it, and it
      // is written but not kept (a branch here would be mispredicted at every emptied edge).
      while (nextLength < length || (nextLength === length && nextEdge > e)) {
        merged[out++] = nextEdge;
        nextLength = freshLength[++b];
        nextEdge = freshEdges[b];
      }
      merged[out] = e;
      out += length === length ? 1 : 0;
    }
    while (b < added) merged[out++] = freshEdges[b++];
    for (let k = 0; k < added; k++) distances[freshEdges[k]] = freshLength[k];
    // The merged order becomes this complex's; its old buffer is the next merge's scratch.
    this.sorted = merged;
    scratch.merged = sorted;
    this.edgeCount = out;
    fresh.fill(0);
    emptied.fill(0);
    let radius = Infinity;
    for (let s = 0; s < capacity; s++) if (slotSeq[s] >= 0 && rowMax[s] < radius) radius = rowMax[s];
    this.enclosing = this.live <= 1 ? 0 : radius;
  }

  /** The length of a new edge ij, which may make either end's farthest point the other. */
  private newEdgeLength(i: number, j: number): number {
    const { rowMax, farthest } = this;
    const length = euclideanFloat32(this.coords, this.dimension, i, j);
    if (length > rowMax[i]) {
      rowMax[i] = length;
      farthest[i] = j;
    }
    if (length > rowMax[j]) {
      rowMax[j] = length;
      farthest[j] = i;
    }
    return length;
  }

  /** Slot i's farthest distance to the points that stayed (neither new nor emptied), and which point. */
  private farthestStaying(i: number): void {
    const { slotSeq, fresh, distances, rowStart, capacity } = this;
    let max = 0;
    let at = -1;
    // Row i holds its edges to lower slots; those to higher slots are in their rows.
    const row = rowStart[i];
    for (let j = 0; j < i; j++) {
      const d = distances[row + j];
      if (d > max && slotSeq[j] >= 0 && fresh[j] === 0) {
        max = d;
        at = j;
      }
    }
    for (let j = i + 1; j < capacity; j++) {
      const d = distances[rowStart[j] + i];
      if (d > max && slotSeq[j] >= 0 && fresh[j] === 0) {
        max = d;
        at = j;
      }
    }
    this.rowMax[i] = max;
    this.farthest[i] = at;
  }

  /** A copy of the edges between live slots (indices into `distances`) in filtration order, as of the last commit. */
  edgeOrder(): Int32Array {
    return this.sorted.slice(0, this.edgeCount);
  }

  /**
   * Persistence diagrams of the live points up to `maxDim`: H0 from the spanning forest of the
   * sorted edges, H1 and above from the batch engine's reduction given the same edges.
   * `threshold` null means the enclosing radius. Call `commit()` first.
   */
  compute(threshold: number | null, maxDim: number, modulus: number): { diagrams: Diagrams; threshold: number } {
    const n = this.live;
    const full = n === this.capacity;
    const { slotSeq, rowStart, distances } = this;
    const { parent, edges, compactIndex } = this.scratch;
    // The batch engine wants points 0..n-1: when slots are free, relabel the live ones in slot
    // order. That relabelling is monotone, so it keeps the order of edge indices and with it the
    // filtration order.
    let lower: Float32Array = distances;
    if (!full) {
      let m = 0;
      for (let s = 0; s < this.capacity; s++) compactIndex[s] = slotSeq[s] >= 0 ? m++ : -1;
      lower = this.compactLower(n);
    }
    const radius = threshold ?? this.enclosing;
    const diagrams: Diagrams = [];
    for (let d = 0; d <= maxDim; d++) diagrams.push([]);
    if (n === 0) return { diagrams, threshold: radius };
    // Kruskal over the edges in filtration order.
    for (let s = 0; s < this.capacity; s++) parent[s] = s;
    // H0 deaths go to scratch first and become intervals in one array of the right length:
    // pushing pairs one by one into a growing array cost most of this loop.
    const { h0Deaths } = this.scratch;
    let deaths = 0;
    let components = n;
    const { sorted, tops } = this;
    for (let k = 0; k < this.edgeCount && components > 1; k++) {
      const e = sorted[k];
      const length = distances[e];
      if (length > radius) break;
      const i = tops[e];
      const j = e - rowStart[i];
      const ri = find(parent, i);
      const rj = find(parent, j);
      if (ri !== rj) {
        // Union by smaller root, so the forest depends on nothing but the order.
        if (ri < rj) parent[rj] = ri;
        else parent[ri] = rj;
        components--;
        if (length > 0) h0Deaths[deaths++] = length;
      }
    }
    const h0: Interval[] = (diagrams[0] = new Array(deaths + components));
    for (let k = 0; k < deaths; k++) h0[k] = [0, h0Deaths[k]];
    for (let c = 0; c < components; c++) h0[deaths + c] = [0, Infinity];
    if (maxDim >= 1) {
      // The edges within the radius, as indices among the live points: the kept order itself when every slot is live.
      const edgeCount = edgesUpTo(distances, sorted, this.edgeCount, radius);
      let within = sorted.subarray(0, edgeCount);
      if (!full) {
        for (let k = 0; k < edgeCount; k++) {
          const i = tops[sorted[k]];
          edges[k] = compactEdge(compactIndex[i], compactIndex[sorted[k] - rowStart[i]]);
        }
        within = edges.subarray(0, edgeCount);
      }
      const higher = persistenceAboveZero(n, lower, radius, within, { maxDim, modulus, workspace: this.scratch.workspace, reachGuess: this.reachGuess, witnesses: this.witnesses });
      this.reachGuess = REACH_MARGIN * lastDeath(higher[1] ?? []);
      for (let d = 1; d <= maxDim; d++) diagrams[d] = (higher[d] ?? []) as Interval[];
    }
    return { diagrams, threshold: radius };
  }

  private compactLower(n: number): Float32Array {
    const size = (n * (n - 1)) / 2;
    const out = this.scratch.compactDistances;
    let e = 0;
    for (let i = 0; i < this.capacity; i++) {
      if (this.slotSeq[i] < 0) continue;
      for (let j = 0; j < i; j++) {
        if (this.slotSeq[j] < 0) continue;
        out[e++] = this.distances[this.rowStart[i] + j];
      }
    }
    return out.subarray(0, size);
  }
}

/**
 * The next window's H1 is first computed up to this multiple of the previous window's last
 * death. On the demo data 2% room leaves about one window in forty to be computed a second
 * time; none leaves one in seven, and 5% costs more edges than it saves recomputing.
 */
const REACH_MARGIN = 1.02;

/** The largest finite death, or 0. */
function lastDeath(intervals: readonly Interval[]): number {
  let last = 0;
  for (const [, death] of intervals) if (death !== Infinity && death > last) last = death;
  return last;
}

/** Buffers used only within one commit or compute call. */
interface Scratch {
  /** The new order as the merge writes it; it then changes places with the complex's own. */
  merged: Int32Array;
  /** Slots filled since the last commit, by decreasing slot. */
  freshSlots: Int32Array;
  /** New edges and their lengths, in two buffers the radix sort passes between. */
  freshEdges: [Int32Array, Int32Array];
  /** Lengths of the new edges, in their order: the merge reads them in sequence. */
  freshLength: [Float32Array, Float32Array];
  /** The same lengths as bit patterns (views of `freshLength`), which the radix sort reads. */
  freshBits: [Uint32Array, Uint32Array];
  /** Counts of each byte of the bit patterns, one table of 256 per byte. */
  byteCounts: Int32Array;
  /** The edges ≤ threshold in filtration order, as indices among the live points, for the H1+ reduction. */
  edges: Int32Array;
  parent: Int32Array;
  /** The finite H0 deaths of a computation, in the order Kruskal finds them. */
  h0Deaths: Float64Array;
  /** Slot → index among live slots, for windows that do not fill every slot. */
  compactIndex: Int32Array;
  compactDistances: Float32Array;
  /** The engine's working arrays for H1 and up. */
  workspace: Workspace;
}

const scratchByCapacity = new Map<number, Scratch>();

function scratchFor(capacity: number): Scratch {
  let scratch = scratchByCapacity.get(capacity);
  if (scratch === undefined) {
    const edges = (capacity * (capacity - 1)) / 2;
    // One more than the edges, for the merge's end mark.
    const lengths: [Float32Array, Float32Array] = [new Float32Array(edges + 1), new Float32Array(edges + 1)];
    scratch = {
      merged: new Int32Array(edges),
      freshSlots: new Int32Array(capacity),
      freshEdges: [new Int32Array(edges + 1), new Int32Array(edges + 1)],
      freshLength: lengths,
      freshBits: [new Uint32Array(lengths[0].buffer), new Uint32Array(lengths[1].buffer)],
      byteCounts: new Int32Array(4 * 256),
      edges: new Int32Array(edges),
      parent: new Int32Array(capacity),
      h0Deaths: new Float64Array(capacity),
      compactIndex: new Int32Array(capacity),
      compactDistances: new Float32Array(edges),
      workspace: new Workspace(),
    };
    scratchByCapacity.set(capacity, scratch);
  }
  return scratch;
}

function compactEdge(i: number, j: number): number {
  return (i * (i - 1)) / 2 + j;
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/**
 * Sorts the first `count` new edges (buffer 0, listed by decreasing index) by length, stably,
 * so equal lengths keep the larger index first: filtration order. A least-significant-digit
 * radix sort on the bytes of the float32 lengths, whose bit patterns order like the values
 * (lengths are never negative); a byte that all the lengths share is skipped. Returns the
 * buffer (0 or 1) that holds the result.
 */
function sortByLength(scratch: Scratch, count: number): number {
  const counts = scratch.byteCounts;
  const bits = scratch.freshBits[0];
  counts.fill(0);
  for (let k = 0; k < count; k++) {
    const x = bits[k];
    counts[x & 255]++;
    counts[256 + ((x >>> 8) & 255)]++;
    counts[512 + ((x >>> 16) & 255)]++;
    counts[768 + (x >>> 24)]++;
  }
  let side = 0;
  for (let pass = 0; pass < 4; pass++) {
    const base = pass * 256;
    const shift = pass * 8;
    const fromBits = scratch.freshBits[side];
    if (count === 0 || counts[base + ((fromBits[0] >>> shift) & 255)] === count) continue;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[base + d];
      counts[base + d] = sum;
      sum += c;
    }
    const fromEdges = scratch.freshEdges[side];
    const toBits = scratch.freshBits[1 - side];
    const toEdges = scratch.freshEdges[1 - side];
    for (let k = 0; k < count; k++) {
      const x = fromBits[k];
      const at = counts[base + ((x >>> shift) & 255)]++;
      toBits[at] = x;
      toEdges[at] = fromEdges[k];
    }
    side = 1 - side;
  }
  return side;
}

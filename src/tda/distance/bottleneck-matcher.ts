/**
 * The decision step of the exact bottleneck distance: is there a perfect matching between
 * A ∪ Δ and B ∪ Δ whose every edge costs at most r? (Kerber, Morozov, Nigmetov, "Geometry
 * helps to compare persistence diagrams".)
 *
 * The bipartite graph has A's points and m copies of the diagonal on the left, B's points and
 * n copies of the diagonal on the right. A point may go to a point of the other diagram
 * (L∞ distance) or to any diagonal copy (half its persistence, its L∞ distance to the
 * diagonal); diagonal copies match each other at no cost. The diagonal copies are
 * interchangeable, so they are never listed as edges: the BFS reaches "the diagonal pool" as
 * a whole, once per phase. Edges between points come from a sweep over B sorted by birth,
 * so only the pairs within r in both coordinates are ever looked at.
 *
 * Hopcroft–Karp phases start from the previous decision's matching minus its edges longer
 * than r, so a binary search over r does little work per step.
 */

const UNREACHED = 0x3fffffff;

export class BottleneckMatcher {
  readonly n: number;
  readonly m: number;
  private readonly ax: Float64Array;
  private readonly ay: Float64Array;
  /** B sorted by birth. */
  private readonly bx: Float64Array;
  private readonly by: Float64Array;
  private readonly halfA: Float64Array;
  private readonly halfB: Float64Array;

  /** Left vertices: A points 0..n-1, diagonal copies n..n+m-1. Right: B points 0..m-1, diagonal copies m..m+n-1. */
  readonly mateLeft: Int32Array;
  readonly mateRight: Int32Array;
  private matchedCount = 0;

  private radius = 0;
  private adjacencyStart: Int32Array;
  private adjacency: Int32Array;
  private edgeCost: Float64Array;
  private readonly adjacencyEnd: Int32Array;
  private builtReach = -1;
  private readonly nearA: Uint8Array;
  private nearBList: Int32Array;
  private nearBCount = 0;

  private readonly layerLeft: Int32Array;
  private readonly layerRight: Int32Array;
  private readonly visitedStamp: Int32Array;
  private readonly triedStamp: Int32Array;
  private readonly adjacencyCursor: Int32Array;
  private readonly queue: Int32Array;
  private readonly bands: HalfPersistenceBand[];
  private phase = 0;
  private foundLayer = UNREACHED;
  private poolLayer = UNREACHED;
  private nearListLayer = UNREACHED;
  private poolCursor = 0;
  private nearCursor = 0;

  constructor(ax: Float64Array, ay: Float64Array, bxSorted: Float64Array, bySorted: Float64Array) {
    this.n = ax.length;
    this.m = bxSorted.length;
    this.ax = ax;
    this.ay = ay;
    this.bx = bxSorted;
    this.by = bySorted;
    this.halfA = halfPersistence(ax, ay);
    this.halfB = halfPersistence(bxSorted, bySorted);
    const size = this.n + this.m;
    this.mateLeft = new Int32Array(size).fill(-1);
    this.mateRight = new Int32Array(size).fill(-1);
    this.adjacencyStart = new Int32Array(this.n + 1);
    this.adjacency = new Int32Array(Math.max(16, 8 * this.n));
    this.edgeCost = new Float64Array(this.adjacency.length);
    this.adjacencyEnd = new Int32Array(this.n);
    this.nearA = new Uint8Array(this.n);
    this.nearBList = new Int32Array(this.m);
    this.layerLeft = new Int32Array(size);
    this.layerRight = new Int32Array(size);
    this.visitedStamp = new Int32Array(size);
    this.triedStamp = new Int32Array(size);
    this.adjacencyCursor = new Int32Array(this.n);
    this.queue = new Int32Array(size);
    this.bands = bandsByHalfPersistence(bxSorted, this.halfB);
  }

  /** L∞ distance between A point i and B point j (B in sorted order). */
  pointCost(i: number, j: number): number {
    return Math.max(Math.abs(this.ax[i] - this.bx[j]), Math.abs(this.ay[i] - this.by[j]));
  }

  halfPersistenceA(i: number): number {
    return this.halfA[i];
  }

  halfPersistenceB(j: number): number {
    return this.halfB[j];
  }

  /** Whether every point can be matched within r; leaves a maximum matching in mateLeft/mateRight. */
  feasible(r: number): boolean {
    this.radius = r;
    this.restrictToRadius();
    this.dropEdgesLongerThanRadius();
    while (this.bfs()) {
      this.augmentAlongLayers();
    }
    return this.matchedCount === this.n + this.m;
  }

  /**
   * Lists, per A point, the B points within `reach` in L∞, sorted by distance. Later probes at
   * a smaller radius only move each row's end (a binary search) instead of sweeping again.
   */
  /**
   * Lists, per A point, the B points within `reach` in L∞ that it may need, sorted by
   * distance. Later probes at a smaller radius only move each row's end (a binary search).
   *
   * A pair both of whose points can reach the diagonal within r is never needed: in a
   * perfect matching that uses it, a and b can go to the diagonal instead, taking the two
   * diagonal copies that were matched to each other. So a pair at distance c matters only
   * while r < max(half persistence of a, of b), and is listed only if c is below that. The
   * bands of B by half persistence keep the sweep to those windows.
   */
  private buildEdges(reach: number): void {
    const { n, ax, ay, by, halfA, halfB } = this;
    let count = 0;
    for (let i = 0; i < n; i++) {
      this.adjacencyStart[i] = count;
      const x = ax[i];
      const y = ay[i];
      for (const band of this.bands) {
        const window = Math.min(reach, Math.max(halfA[i], band.ceiling));
        // The sweep window is widened slightly; the exact tests below decide.
        const slack = 1e-12 * (Math.abs(x) + window) + Number.MIN_VALUE;
        const { members, births } = band;
        for (let t = lowerBound(births, x - window - slack); t < births.length && births[t] <= x + window + slack; t++) {
          const j = members[t];
          const cost = Math.max(Math.abs(x - births[t]), Math.abs(y - by[j]));
          if (cost > reach || cost >= Math.max(halfA[i], halfB[j])) continue;
          if (count === this.adjacency.length) this.growEdges();
          // Insertion into the row, kept sorted by cost: rows are short.
          let k = count++;
          while (k > this.adjacencyStart[i] && this.edgeCost[k - 1] > cost) {
            this.edgeCost[k] = this.edgeCost[k - 1];
            this.adjacency[k] = this.adjacency[k - 1];
            k--;
          }
          this.edgeCost[k] = cost;
          this.adjacency[k] = j;
        }
      }
    }
    this.adjacencyStart[n] = count;
    this.builtReach = reach;
  }

  private growEdges(): void {
    const adjacency = new Int32Array(this.adjacency.length * 2);
    adjacency.set(this.adjacency);
    this.adjacency = adjacency;
    const edgeCost = new Float64Array(this.edgeCost.length * 2);
    edgeCost.set(this.edgeCost);
    this.edgeCost = edgeCost;
  }

  private restrictToRadius(): void {
    const { n, m, radius } = this;
    // Growing radii come from an exponential search: build for the next step as well.
    if (radius > this.builtReach) this.buildEdges(this.builtReach < 0 ? radius : Math.max(radius, 2 * radius - this.builtReach));
    for (let i = 0; i < n; i++) {
      let lo = this.adjacencyStart[i];
      let hi = this.adjacencyStart[i + 1];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.edgeCost[mid] <= radius) lo = mid + 1;
        else hi = mid;
      }
      this.adjacencyEnd[i] = lo;
      this.nearA[i] = this.halfA[i] <= radius ? 1 : 0;
    }
    this.nearBCount = 0;
    for (let j = 0; j < m; j++) if (this.halfB[j] <= radius) this.nearBList[this.nearBCount++] = j;
  }

  private edgeAllowed(u: number, v: number): boolean {
    const { n, m } = this;
    if (u < n) return v < m ? this.pointCost(u, v) <= this.radius : this.nearA[u] === 1;
    return v < m ? this.halfB[v] <= this.radius : true;
  }

  private dropEdgesLongerThanRadius(): void {
    const size = this.n + this.m;
    let count = 0;
    for (let u = 0; u < size; u++) {
      const v = this.mateLeft[u];
      if (v < 0) continue;
      if (this.edgeAllowed(u, v)) {
        count++;
      } else {
        this.mateLeft[u] = -1;
        this.mateRight[v] = -1;
      }
    }
    this.matchedCount = count;
  }

  /** Layers the graph from the free left vertices; true when some free right vertex is reachable. */
  private bfs(): boolean {
    const { n, m, mateLeft, layerLeft, queue } = this;
    const size = n + m;
    this.phase++;
    this.foundLayer = UNREACHED;
    this.poolLayer = UNREACHED;
    this.nearListLayer = UNREACHED;
    let head = 0;
    let tail = 0;
    for (let u = 0; u < size; u++) {
      if (mateLeft[u] < 0) {
        layerLeft[u] = 0;
        queue[tail++] = u;
      } else {
        layerLeft[u] = UNREACHED;
      }
    }
    let nearCursor = 0;
    while (head < tail) {
      const u = queue[head++];
      const layer = layerLeft[u];
      if (layer >= this.foundLayer) break;
      if (u < n) {
        const end = this.adjacencyEnd[u];
        for (let e = this.adjacencyStart[u]; e < end; e++) tail = this.visit(this.adjacency[e], layer, tail);
        if (this.nearA[u] === 1 && this.poolLayer === UNREACHED) tail = this.reachPool(layer, tail);
      } else {
        if (this.nearListLayer === UNREACHED) {
          this.nearListLayer = layer;
          for (; nearCursor < this.nearBCount; nearCursor++) tail = this.visit(this.nearBList[nearCursor], layer, tail);
        }
        if (this.poolLayer === UNREACHED) tail = this.reachPool(layer, tail);
      }
    }
    return this.foundLayer !== UNREACHED;
  }

  private reachPool(layer: number, tail: number): number {
    this.poolLayer = layer;
    const end = this.m + this.n;
    for (let v = this.m; v < end; v++) tail = this.visit(v, layer, tail);
    return tail;
  }

  /** Reaches right vertex v from a left vertex on `layer`; returns the new queue tail. */
  private visit(v: number, layer: number, tail: number): number {
    if (this.visitedStamp[v] === this.phase) return tail;
    this.visitedStamp[v] = this.phase;
    this.layerRight[v] = layer + 1;
    const w = this.mateRight[v];
    if (w < 0) {
      if (this.foundLayer === UNREACHED) this.foundLayer = layer + 1;
    } else if (this.layerLeft[w] === UNREACHED) {
      this.layerLeft[w] = layer + 1;
      this.queue[tail++] = w;
    }
    return tail;
  }

  private augmentAlongLayers(): void {
    const size = this.n + this.m;
    this.adjacencyCursor.set(this.adjacencyStart.subarray(0, this.n));
    this.poolCursor = this.m;
    this.nearCursor = 0;
    for (let u = 0; u < size; u++) {
      if (this.mateLeft[u] < 0 && this.layerLeft[u] === 0 && this.augmentFrom(u)) this.matchedCount++;
    }
  }

  /** Tries right vertex v as the next step from u; true when an augmenting path went through it. */
  private tryStep(u: number, v: number, nextLayer: number): boolean {
    if (this.visitedStamp[v] !== this.phase || this.layerRight[v] !== nextLayer || this.triedStamp[v] === this.phase) return false;
    this.triedStamp[v] = this.phase;
    const w = this.mateRight[v];
    const extends_ = w < 0
      ? nextLayer === this.foundLayer
      : nextLayer < this.foundLayer && this.layerLeft[w] === nextLayer && this.augmentFrom(w);
    if (!extends_) return false;
    this.mateRight[v] = u;
    this.mateLeft[u] = v;
    return true;
  }

  private augmentFrom(u: number): boolean {
    const layer = this.layerLeft[u];
    const nextLayer = layer + 1;
    if (u < this.n) {
      const end = this.adjacencyEnd[u];
      while (this.adjacencyCursor[u] < end) {
        const v = this.adjacency[this.adjacencyCursor[u]++];
        if (this.tryStep(u, v, nextLayer)) return true;
      }
      if (this.nearA[u] === 1 && layer === this.poolLayer && this.augmentThroughPool(u, nextLayer)) return true;
    } else {
      if (layer === this.nearListLayer) {
        while (this.nearCursor < this.nearBCount) {
          const v = this.nearBList[this.nearCursor++];
          if (this.tryStep(u, v, nextLayer)) return true;
        }
      }
      if (layer === this.poolLayer && this.augmentThroughPool(u, nextLayer)) return true;
    }
    this.layerLeft[u] = UNREACHED;
    return false;
  }

  private augmentThroughPool(u: number, nextLayer: number): boolean {
    const end = this.m + this.n;
    while (this.poolCursor < end) {
      const v = this.poolCursor++;
      if (this.tryStep(u, v, nextLayer)) return true;
    }
    return false;
  }
}

interface HalfPersistenceBand {
  /** No member's half persistence exceeds this. */
  ceiling: number;
  /** Indices into the sorted B, ascending (so by birth). */
  members: Int32Array;
  births: Float64Array;
}

const BAND_COUNT = 12;

/** B split into bands whose half persistences halve from one band to the next. */
function bandsByHalfPersistence(bx: Float64Array, halfB: Float64Array): HalfPersistenceBand[] {
  let top = 0;
  for (let j = 0; j < halfB.length; j++) top = Math.max(top, halfB[j]);
  const bandOf = new Int32Array(halfB.length);
  const sizes = new Int32Array(BAND_COUNT);
  for (let j = 0; j < halfB.length; j++) {
    let band = 0;
    let ceiling = top;
    while (band < BAND_COUNT - 1 && halfB[j] <= ceiling / 2) {
      ceiling /= 2;
      band++;
    }
    bandOf[j] = band;
    sizes[band]++;
  }
  const bands: HalfPersistenceBand[] = [];
  let ceiling = top;
  for (let band = 0; band < BAND_COUNT; band++) {
    const members = new Int32Array(sizes[band]);
    let count = 0;
    for (let j = 0; j < halfB.length; j++) if (bandOf[j] === band) members[count++] = j;
    if (count > 0) bands.push({ ceiling, members, births: Float64Array.from(members, (j) => bx[j]) });
    ceiling /= 2;
  }
  return bands;
}

function halfPersistence(births: Float64Array, deaths: Float64Array): Float64Array {
  const half = new Float64Array(births.length);
  for (let k = 0; k < births.length; k++) half[k] = (deaths[k] - births[k]) / 2;
  return half;
}

/** First index k with sorted[k] >= value. */
export function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index k with sorted[k] > value. */
export function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

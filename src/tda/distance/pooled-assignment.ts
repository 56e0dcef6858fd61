/**
 * The Wasserstein assignment in its square form, kept between certificate rounds so that a
 * round only repairs what its new edges broke.
 *
 * Rows are A's points (0 … n − 1) and the diagonal copies B'_j of B's points (n + j);
 * columns are B's points (0 … m − 1) and the diagonal copies D_i of A's points (m + i).
 * With the diagonal costs moved into the potentials, every edge costs its reduced cost:
 *
 *   A_i – B_j   c(a_i, b_j) − δ(a_i) − δ(b_j)   (the sparse graph's edges)
 *   A_i – D_i   0                               (a_i goes to the diagonal; in the graph as m + i)
 *   B'_j – B_j  0                               (b_j goes to the diagonal; implicit)
 *   B'_j – D_i  0 for every i and j             (two diagonal copies; implicit)
 *
 * The last block is complete and all its edges are equivalent, so it is never listed: the
 * shortest-path search treats the diagonal copies D as one pool. Once some B' row is reached
 * at level L, every D column not yet settled is reachable at L − price(D), so the next pool
 * column to settle is the one with the highest price; a max-heap of D columns by price gives
 * it. This is what the rectangular form lacked: there, an unused column needs price 0, so a
 * row could not be freed without repairing its column's price. Here every column is used by
 * some row, only "reduced cost ≥ 0 on every edge, 0 on used ones" has to hold, and any row
 * can be freed and sent down a new shortest path from where the prices already are.
 *
 * Row potentials are implicit, u(r) = cost(r, its column) − price(its column), as in
 * sparse-assignment.ts, and prices only go down (they stay ≤ 0).
 */
import type { Assignment, SparseGraph } from "./sparse-assignment.ts";
import { MinHeap } from "./min-heap.ts";

export class PooledAssignment {
  readonly n: number;
  readonly m: number;
  /** Column of each row (A rows then B' rows), −1 when free. */
  readonly columnOfRow: Int32Array;
  /** Cost of each row's edge (0 for B' rows and for A_i – D_i). */
  readonly costOfRow: Float64Array;
  /** Row of each column (B columns then D columns), −1 when free. */
  readonly rowOfColumn: Int32Array;
  readonly price: Float64Array;

  private readonly distance: Float64Array;
  private readonly predecessorRow: Int32Array;
  private readonly predecessorCost: Float64Array;
  private readonly settled: Uint8Array;
  private readonly touched: Int32Array;
  private readonly heap = new MinHeap(64);
  private readonly pool: PriceMaxHeap;

  /**
   * Lifts an optimal assignment of the rectangular form (rows A, columns B and D, unused
   * columns at price 0) to the square form: a B column nobody uses goes to its own B' row,
   * and the B' rows of used B columns take the D columns left unused. Those B' rows have
   * potential 0 and every price is ≤ 0, so all the implicit edges keep reduced cost ≥ 0.
   */
  constructor(n: number, m: number, start: Assignment) {
    this.n = n;
    this.m = m;
    const size = n + m;
    this.columnOfRow = new Int32Array(size).fill(-1);
    this.costOfRow = new Float64Array(size);
    this.rowOfColumn = new Int32Array(size).fill(-1);
    this.price = Float64Array.from(start.price);
    for (let i = 0; i < n; i++) {
      const j = start.columnOfRow[i];
      this.columnOfRow[i] = j;
      this.costOfRow[i] = start.costOfRow[i];
      this.rowOfColumn[j] = i;
    }
    let unusedDiagonal = m;
    for (let j = 0; j < m; j++) {
      let column = j;
      if (this.rowOfColumn[j] >= 0) {
        while (this.rowOfColumn[unusedDiagonal] >= 0) unusedDiagonal++;
        column = unusedDiagonal;
      }
      this.columnOfRow[n + j] = column;
      this.rowOfColumn[column] = n + j;
    }
    this.distance = new Float64Array(size).fill(Infinity);
    this.predecessorRow = new Int32Array(size);
    this.predecessorCost = new Float64Array(size);
    this.settled = new Uint8Array(size);
    this.touched = new Int32Array(size);
    this.pool = new PriceMaxHeap(this.price, m, n);
  }

  /** Frees A row i (its new edges may break its potential); augment() places it again. */
  free(i: number): void {
    const j = this.columnOfRow[i];
    if (j < 0) return;
    this.columnOfRow[i] = -1;
    this.rowOfColumn[j] = -1;
  }

  /** Places every free A row by a shortest augmenting path; `graph` holds the A rows' edges. */
  augment(graph: SparseGraph): void {
    for (let i = 0; i < this.n; i++) if (this.columnOfRow[i] < 0) this.augmentFrom(graph, i);
  }

  private augmentFrom(graph: SparseGraph, start: number): void {
    const { n, m, columnOfRow, costOfRow, rowOfColumn, price, distance, predecessorRow, predecessorCost, settled, touched, heap, pool } = this;
    const { rowStart, column, cost } = graph;
    let touchedCount = 0;
    heap.clear();
    // The lowest level L = distance(column of r) − u(r) over the B' rows r reached so far,
    // and that row: every D column is reachable from it at L − price.
    let poolLevel = Infinity;
    let poolRow = -1;
    const popped: number[] = [];

    const relax = (r: number, level: number): void => {
      if (r < n) {
        for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
          const k = column[e];
          if (settled[k] === 1) continue;
          const d = level + cost[e] - price[k];
          if (d < distance[k]) {
            if (distance[k] === Infinity) touched[touchedCount++] = k;
            distance[k] = d;
            predecessorRow[k] = r;
            predecessorCost[k] = cost[e];
            heap.push(d, k);
          }
        }
        return;
      }
      const k = r - n;
      if (settled[k] === 0) {
        const d = level - price[k];
        if (d < distance[k]) {
          if (distance[k] === Infinity) touched[touchedCount++] = k;
          distance[k] = d;
          predecessorRow[k] = r;
          predecessorCost[k] = 0;
          heap.push(d, k);
        }
      }
      if (level < poolLevel) {
        poolLevel = level;
        poolRow = r;
      }
    };

    relax(start, 0);
    let sink = -1;
    for (;;) {
      while (heap.size > 0 && settled[heap.topValue()] === 1) heap.pop();
      while (pool.size > 0 && settled[pool.top()] === 1) popped.push(pool.pop());
      const heapKey = heap.size > 0 ? heap.topKey() : Infinity;
      const poolKey = pool.size > 0 ? poolLevel - price[pool.top()] : Infinity;
      let j: number;
      if (poolKey < heapKey) {
        j = pool.pop();
        popped.push(j);
        if (distance[j] === Infinity) touched[touchedCount++] = j;
        distance[j] = poolKey;
        predecessorRow[j] = poolRow;
        predecessorCost[j] = 0;
      } else if (heapKey < Infinity) {
        j = heap.pop();
      } else {
        throw new Error(`assignment: row ${start} cannot be assigned (internal error)`);
      }
      settled[j] = 1;
      const r = rowOfColumn[j];
      if (r < 0) {
        sink = j;
        break;
      }
      // Row r is reached through its own column j; its potential keeps that edge tight.
      relax(r, distance[j] - costOfRow[r] + price[j]);
    }

    const total = distance[sink];
    // Lower the prices of the settled columns so reduced costs stay ≥ 0 and the path is tight.
    for (let t = 0; t < touchedCount; t++) {
      const k = touched[t];
      if (settled[k] === 1 && k !== sink) {
        price[k] -= total - distance[k];
        if (k >= m && pool.contains(k)) pool.lowered(k);
      }
      distance[k] = Infinity;
      settled[k] = 0;
    }
    for (const k of popped) pool.push(k);

    let j = sink;
    for (;;) {
      const r = predecessorRow[j];
      const previous = columnOfRow[r];
      columnOfRow[r] = j;
      rowOfColumn[j] = r;
      costOfRow[r] = predecessorCost[j];
      if (r === start) break;
      j = previous;
    }
  }
}

/** The D columns (m … m + n − 1) by descending price; `lowered` restores order after a price drop. */
class PriceMaxHeap {
  private readonly price: Float64Array;
  private readonly items: Int32Array;
  private readonly position: Int32Array;
  private readonly offset: number;
  size = 0;

  constructor(price: Float64Array, offset: number, count: number) {
    this.price = price;
    this.offset = offset;
    this.items = new Int32Array(count);
    this.position = new Int32Array(count).fill(-1);
    for (let t = 0; t < count; t++) this.push(offset + t);
  }

  contains(k: number): boolean {
    return this.position[k - this.offset] >= 0;
  }

  top(): number {
    return this.items[0];
  }

  push(k: number): void {
    const t = this.size++;
    this.items[t] = k;
    this.position[k - this.offset] = t;
    this.up(t);
  }

  pop(): number {
    const top = this.items[0];
    this.position[top - this.offset] = -1;
    const last = this.items[--this.size];
    if (this.size > 0) {
      this.items[0] = last;
      this.position[last - this.offset] = 0;
      this.down(0);
    }
    return top;
  }

  lowered(k: number): void {
    this.down(this.position[k - this.offset]);
  }

  private up(t: number): void {
    const { items, position, price, offset } = this;
    const k = items[t];
    const key = price[k];
    while (t > 0) {
      const parent = (t - 1) >> 1;
      if (price[items[parent]] >= key) break;
      items[t] = items[parent];
      position[items[t] - offset] = t;
      t = parent;
    }
    items[t] = k;
    position[k - offset] = t;
  }

  private down(t: number): void {
    const { items, position, price, offset, size } = this;
    const k = items[t];
    const key = price[k];
    for (;;) {
      let child = 2 * t + 1;
      if (child >= size) break;
      if (child + 1 < size && price[items[child + 1]] > price[items[child]]) child++;
      if (price[items[child]] <= key) break;
      items[t] = items[child];
      position[items[t] - offset] = t;
      t = child;
    }
    items[t] = k;
    position[k - offset] = t;
  }
}

/**
 * Minimum-cost assignment of every row to its own column on a sparse graph: Jonker and
 * Volgenant's augmenting row reduction first, then successive shortest augmenting paths
 * (Dijkstra over columns with dual prices) for the rows still free. Exact: the result is an optimal assignment of the graph given, with dual
 * prices that prove it; the Wasserstein code uses those prices to check optimality against
 * edges that were left out of the graph.
 *
 * There may be more columns than rows. A column never assigned keeps price 0 and prices
 * only go down, which is what makes "column left empty" optimal as well (the dual of
 * "each column used at most once").
 */
import { MinHeap } from "./min-heap.ts";

export interface SparseGraph {
  rows: number;
  columns: number;
  /** CSR: the edges of row r are rowStart[r] … rowStart[r + 1] − 1. */
  rowStart: Int32Array;
  column: Int32Array;
  cost: Float64Array;
}

export interface Assignment {
  /** Column of each row. */
  columnOfRow: Int32Array;
  /** Cost of each row's edge. */
  costOfRow: Float64Array;
  /** Row of each column, −1 when empty. */
  rowOfColumn: Int32Array;
  /** Dual price per column (≤ 0; 0 for empty columns). */
  price: Float64Array;
}

/** Throws when some row has no edge left to take; callers give every row a private column. */
export function solveSparseAssignment(graph: SparseGraph): Assignment {
  const { rows, columns, rowStart, column, cost } = graph;
  const columnOfRow = new Int32Array(rows).fill(-1);
  const costOfRow = new Float64Array(rows);
  const rowOfColumn = new Int32Array(columns).fill(-1);
  const price = new Float64Array(columns);

  const distance = new Float64Array(columns).fill(Infinity);
  const predecessorRow = new Int32Array(columns);
  const predecessorEdge = new Int32Array(columns);
  const settled = new Uint8Array(columns);
  const touched = new Int32Array(columns);
  const heap = new MinHeap(64);

  const free = reduceRowsByBidding(graph, columnOfRow, costOfRow, rowOfColumn, price);
  for (const start of free) {
    let touchedCount = 0;
    heap.clear();
    for (let e = rowStart[start]; e < rowStart[start + 1]; e++) {
      const j = column[e];
      const d = cost[e] - price[j];
      if (d < distance[j]) {
        if (distance[j] === Infinity) touched[touchedCount++] = j;
        distance[j] = d;
        predecessorRow[j] = start;
        predecessorEdge[j] = e;
        heap.push(d, j);
      }
    }
    let sink = -1;
    while (heap.size > 0) {
      const j = heap.pop();
      if (settled[j] === 1) continue;
      settled[j] = 1;
      const r = rowOfColumn[j];
      if (r < 0) {
        sink = j;
        break;
      }
      // Row r is reached through its own column j; its potential keeps that edge tight.
      const rowPotential = costOfRow[r] - price[j];
      const base = distance[j];
      for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
        const k = column[e];
        if (settled[k] === 1) continue;
        const d = base + cost[e] - rowPotential - price[k];
        if (d < distance[k]) {
          if (distance[k] === Infinity) touched[touchedCount++] = k;
          distance[k] = d;
          predecessorRow[k] = r;
          predecessorEdge[k] = e;
          heap.push(d, k);
        }
      }
    }
    if (sink < 0) throw new Error(`assignment: row ${start} cannot be assigned (internal error)`);
    const total = distance[sink];
    // Lower the prices of the settled columns so reduced costs stay ≥ 0 and the path is tight.
    for (let t = 0; t < touchedCount; t++) {
      const j = touched[t];
      if (settled[j] === 1 && j !== sink) price[j] -= total - distance[j];
      distance[j] = Infinity;
      settled[j] = 0;
    }
    // Flip the path: each row on it takes the column that led to it.
    let j = sink;
    for (;;) {
      const r = predecessorRow[j];
      const previous = columnOfRow[r];
      columnOfRow[r] = j;
      rowOfColumn[j] = r;
      costOfRow[r] = cost[predecessorEdge[j]];
      if (r === start) break;
      j = previous;
    }
  }
  return { columnOfRow, costOfRow, rowOfColumn, price };
}

/**
 * Jonker and Volgenant's augmenting row reduction: free rows bid for their cheapest column
 * (reduced by price), lowering its price by the gap to their second choice so that both
 * stay tight, and displacing its holder, which bids next. It is an auction with ε = 0, so it
 * keeps what the shortest paths need (prices feasible on every edge, assigned edges tight,
 * a filled column stays filled, prices ≤ 0) and cheaply assigns most rows; the shortest
 * paths then place the rest. Two passes over the free rows, as in their paper. Returns the
 * rows left free.
 */
function reduceRowsByBidding(
  graph: SparseGraph,
  columnOfRow: Int32Array,
  costOfRow: Float64Array,
  rowOfColumn: Int32Array,
  price: Float64Array,
): Int32Array {
  const { rows, rowStart, column, cost } = graph;
  let free = new Int32Array(rows);
  for (let r = 0; r < rows; r++) free[r] = r;
  let freeCount = rows;
  for (let pass = 0; pass < 2; pass++) {
    const queue = free.slice(0, freeCount);
    let head = 0;
    freeCount = 0;
    const next = new Int32Array(rows);
    // A displaced row bids again at once, but never more than `budget` bids in a pass.
    let budget = 4 * rows;
    let pending = -1;
    while (pending >= 0 || head < queue.length) {
      const row = pending >= 0 ? pending : queue[head++];
      pending = -1;
      let first = Infinity;
      let second = Infinity;
      let firstEdge = -1;
      let secondEdge = -1;
      for (let e = rowStart[row]; e < rowStart[row + 1]; e++) {
        const value = cost[e] - price[column[e]];
        if (value < second) {
          if (value < first) {
            second = first;
            secondEdge = firstEdge;
            first = value;
            firstEdge = e;
          } else {
            second = value;
            secondEdge = e;
          }
        }
      }
      let edge = firstEdge;
      let holder = rowOfColumn[column[edge]];
      if (first < second && second < Infinity) {
        price[column[edge]] -= second - first;
      } else if (holder >= 0 && secondEdge >= 0) {
        // A tie: take the second choice rather than displace for nothing.
        edge = secondEdge;
        holder = rowOfColumn[column[edge]];
      }
      const j = column[edge];
      if (holder >= 0) columnOfRow[holder] = -1;
      columnOfRow[row] = j;
      costOfRow[row] = cost[edge];
      rowOfColumn[j] = row;
      if (holder >= 0) {
        if (first < second && --budget > 0) pending = holder;
        else next[freeCount++] = holder;
      }
    }
    free = next;
  }
  return free.slice(0, freeCount);
}

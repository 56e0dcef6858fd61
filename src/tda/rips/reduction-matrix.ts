import type { ColumnHeap } from "./column-heap.ts";

/** The reduction matrix V, column by column (compressed sparse columns). */
export class ReductionMatrix {
  start = new Int32Array(0);
  indices = new Float64Array(1024);
  ranks = new Int32Array(1024);
  coefficients = new Int32Array(1024);
  private columns = 0;
  private size = 0;

  /** Empties the matrix for `columnCount` columns. */
  reset(columnCount: number): this {
    if (this.start.length < columnCount + 2) this.start = new Int32Array(columnCount + 2);
    this.columns = 0;
    this.size = 0;
    return this;
  }

  startColumn(): void {
    this.start[this.columns++] = this.size;
    this.start[this.columns] = this.size;
  }

  /** Moves the working combination, with equal entries summed, into the current column. */
  storeColumn(combination: ColumnHeap, p: number): void {
    while (combination.settlePivot(p)) {
      if (this.size === this.indices.length) this.grow();
      this.indices[this.size] = combination.indices[0];
      this.ranks[this.size] = combination.ranks[0];
      this.coefficients[this.size++] = combination.coefficients[0];
      combination.pop();
    }
    this.start[this.columns] = this.size;
  }

  finish(): void {
    this.start[this.columns] = this.size;
  }

  private grow(): void {
    const capacity = this.indices.length * 2;
    const indices = new Float64Array(capacity);
    indices.set(this.indices);
    const ranks = new Int32Array(capacity);
    ranks.set(this.ranks);
    const coefficients = new Int32Array(capacity);
    coefficients.set(this.coefficients);
    this.indices = indices;
    this.ranks = ranks;
    this.coefficients = coefficients;
  }
}

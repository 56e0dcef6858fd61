import { TdaInputError } from "../types.ts";

const EXACT = 2 ** 53;

/**
 * Binomial coefficients C(v, k) for v ≤ n, k ≤ maxK, flat: `table[v * (maxK + 1) + k]`.
 * Simplices are numbered in the combinatorial number system, so a k-simplex with
 * vertices w0 > w1 > … > wk has index C(w0, k+1) + C(w1, k) + … + C(wk, 1). Indices are
 * plain numbers, exact below 2^53: the constructor refuses larger problems.
 */
export class BinomialTable {
  readonly table: Float64Array;
  readonly stride: number;
  private readonly n: number;

  constructor(n: number, maxK: number) {
    this.n = n;
    this.stride = maxK + 1;
    this.table = new Float64Array((n + 1) * this.stride);
    const t = this.table;
    const s = this.stride;
    for (let v = 0; v <= n; v++) {
      t[v * s] = 1;
      for (let k = 1; k <= Math.min(v, maxK); k++) {
        t[v * s + k] = t[(v - 1) * s + k - 1] + (k <= v - 1 ? t[(v - 1) * s + k] : 0);
      }
    }
    if (n >= maxK && t[n * s + maxK] >= EXACT) {
      throw new TdaInputError(
        `${n} points with simplices of ${maxK} vertices need indices up to C(${n}, ${maxK}) ≥ 2^53, ` +
          `beyond exact integers: lower --dim or use fewer points`,
      );
    }
  }

  /** Whether this is the table a problem of n points with simplices of up to maxK vertices needs. */
  fits(n: number, maxK: number): boolean {
    return this.n === n && this.stride === maxK + 1;
  }

  get(v: number, k: number): number {
    return this.table[v * this.stride + k];
  }
}

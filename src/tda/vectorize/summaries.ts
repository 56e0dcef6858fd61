import type { Interval } from "../types.ts";
import { TdaInputError } from "../types.ts";
import { lifetime } from "./entropy.ts";
import type { EssentialOptions } from "./essential.ts";

/**
 * Degree-p total persistence (Cohen-Steiner et al. 2010): Σ_j (d_j − b_j)^p over the finite
 * intervals (p = 1 by default: the sum of lifetimes). Essential classes are left out unless
 * `infinity` is set. Note (Σ l^p)^(1/p) / 2 is the Wasserstein-p amplitude below.
 */
export function totalPersistence(intervals: readonly Interval[], p = 1, options: EssentialOptions = {}): number {
  if (!(p > 0) || !Number.isFinite(p)) throw new TdaInputError(`total persistence: p ${p} must be positive and finite`);
  let sum = 0;
  for (let j = 0; j < intervals.length; j++) {
    const life = lifetime(intervals[j], options.infinity);
    if (life > 0) sum += life ** p;
  }
  return sum;
}

export interface PointCount {
  /** Intervals with d > b, essential ones included — giotto-tda's `NumberOfPoints` counts d ≠ b the same way. */
  points: number;
  /** Of those, how many never die. */
  essential: number;
}

export function numberOfPoints(intervals: readonly Interval[]): PointCount {
  let points = 0;
  let essential = 0;
  for (let j = 0; j < intervals.length; j++) {
    const [birth, death] = intervals[j];
    if (death > birth) points++;
    if (death === Infinity) essential++;
  }
  return { points, essential };
}

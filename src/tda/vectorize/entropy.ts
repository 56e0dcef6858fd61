import type { Interval } from "../types.ts";
import { effectiveDeath, type EssentialOptions } from "./essential.ts";

/**
 * - "none": the entropy itself.
 * - "lifetime-sum": divided by log2 L, L the sum of lifetimes — giotto-tda's
 *   `PersistenceEntropy(normalize=True)`, after Myers, Munch and Khasawneh (2019). It is
 *   not confined to [0, 1] (and undefined for L = 1).
 * - "point-count": divided by log2 n, n the number of positive lifetimes: the entropy
 *   relative to n equal bars, always in [0, 1] (0 for a single bar).
 */
export type EntropyNormalization = "none" | "lifetime-sum" | "point-count";

export interface EntropyOptions extends EssentialOptions {
  normalize?: EntropyNormalization;
  /** Returned where the entropy is undefined (no positive lifetime; L = 1 when dividing by log2 L). giotto-tda's `nan_fill_value` default: −1. */
  undefinedValue?: number;
}

/**
 * Persistence entropy (Chintakunta et al. 2015; Rucco et al. 2016), in bits as giotto-tda
 * computes it (base 2): with lifetimes l_j = d_j − b_j > 0 and L = Σ l_j,
 *   E = −Σ_j (l_j / L) log2(l_j / L).
 * n equal bars give log2 n. Zero-length intervals add nothing; essential classes are left
 * out unless `infinity` is set.
 */
export function persistenceEntropy(intervals: readonly Interval[], options: EntropyOptions = {}): number {
  const undefinedValue = options.undefinedValue ?? -1;
  let total = 0;
  let count = 0;
  for (let j = 0; j < intervals.length; j++) {
    const life = lifetime(intervals[j], options.infinity);
    if (life > 0) {
      total += life;
      count++;
    }
  }
  if (count === 0) return undefinedValue;
  let entropy = 0;
  for (let j = 0; j < intervals.length; j++) {
    const life = lifetime(intervals[j], options.infinity);
    if (life > 0) {
      const share = life / total;
      entropy -= share * Math.log2(share);
    }
  }
  switch (options.normalize ?? "none") {
    case "none":
      return entropy;
    case "lifetime-sum": {
      const norm = Math.log2(total);
      return norm === 0 ? undefinedValue : entropy / norm;
    }
    case "point-count":
      return count === 1 ? 0 : entropy / Math.log2(count);
  }
}

/** d − b with the essential convention applied; 0 for what is left out. */
export function lifetime(interval: Interval, infinity: number | undefined): number {
  const death = effectiveDeath(interval[1], infinity);
  if (!(death > interval[0]) || death === Infinity) return 0;
  return death - interval[0];
}

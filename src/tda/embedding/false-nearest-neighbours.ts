import { TdaInputError } from "../types.ts";
import type { Skipped } from "./mutual-information.ts";
import { standardDeviation } from "./series.ts";
import { embeddingSpan } from "./takens.ts";

export interface FalseNeighbourOptions {
  /** Kennel's R_tol: a neighbour is false when the new coordinate moves it ≥ R_tol times its distance (default 15). */
  distanceRatio?: number;
  /** Kennel's A_tol: or when its distance in d + 1 dimensions exceeds A_tol · σ of the series (default 2). */
  attractorRatio?: number;
  /** Share of false neighbours below which a dimension is accepted (default 0.01). */
  threshold?: number;
  /** Neighbours closer in time than this many samples are not candidates (Theiler window, default 0). */
  theilerWindow?: number;
  /** Fewest points an embedding must have to be judged (default 10). */
  minPoints?: number;
  /** Most points whose neighbours are searched, evenly spread (default 2000); neighbours come from all points. */
  maxQueries?: number;
}

export interface DimensionChoice {
  /** The smallest dimension whose share of false neighbours is below the threshold, or undefined. */
  dimension: number | undefined;
  /** `falseShare[d − 1]`: share of false nearest neighbours going from d to d + 1; NaN where skipped. */
  falseShare: Float64Array;
  skipped: Skipped[];
}

/**
 * Share of false nearest neighbours of the delay embedding with `dimension` coordinates and
 * delay τ (Kennel, Brown and Abarbanel 1992). Only points that also exist in dimension
 * d + 1 take part (start + dτ < N). For each, its nearest neighbour (Euclidean, ties to
 * the lower index) at distance R_d gains the coordinate gap g = |x_{i+dτ} − x_{j+dτ}|;
 * the pair is false when g / R_d > R_tol (criterion 1; for R_d ≈ 0, when g is not ≈ 0 too) or when
 * √(R_d² + g²) / σ > A_tol (criterion 2, σ the standard deviation of the series).
 * Brute force: O(q · n · d) for q = min(n, maxQueries) query points spread evenly over the
 * series, so a long series costs linear time per dimension rather than quadratic.
 */
export function falseNeighbourShare(series: ArrayLike<number>, dimension: number, delay: number, options: FalseNeighbourOptions = {}): number {
  const rtol = options.distanceRatio ?? 15;
  const atol = options.attractorRatio ?? 2;
  const theiler = options.theilerWindow ?? 0;
  const count = series.length - dimension * delay;
  if (count < 2) throw new TdaInputError(`false neighbours: ${series.length} samples give no two points in dimension ${dimension + 1} with delay ${delay}`);
  const sigma = standardDeviation(series);
  // Distances this small are rounding error, not geometry: an exactly periodic series
  // repeats its points, and a ratio of two rounding errors means nothing.
  const negligible = 1e-9 * sigma;
  let falseCount = 0;
  let judged = 0;
  const queries = Math.min(count, options.maxQueries ?? 2000);
  for (let q = 0; q < queries; q++) {
    const i = Math.floor((q * count) / queries);
    let nearest = -1;
    let best = Infinity;
    for (let j = 0; j < count; j++) {
      if (Math.abs(i - j) <= theiler) continue;
      let sum = 0;
      for (let k = 0; k < dimension && sum < best; k++) {
        const u = series[i + k * delay] - series[j + k * delay];
        sum += u * u;
      }
      if (sum < best) {
        best = sum;
        nearest = j;
      }
    }
    if (nearest < 0) continue;
    judged++;
    const distance = Math.sqrt(best);
    const gap = Math.abs(series[i + dimension * delay] - series[nearest + dimension * delay]);
    const byRatio = distance <= negligible ? gap > negligible : gap / distance > rtol;
    const bySize = sigma > 0 && Math.sqrt(best + gap * gap) / sigma > atol;
    if (byRatio || bySize) falseCount++;
  }
  return judged === 0 ? NaN : falseCount / judged;
}

/**
 * The embedding dimension: the smallest d in 1 … maxDimension whose share of false
 * neighbours (going to d + 1) is below `threshold` (default 1 %). Dimensions whose
 * embedding would have fewer than `minPoints` points are skipped with a reason.
 */
export function chooseDimension(series: ArrayLike<number>, delay: number, maxDimension: number, options: FalseNeighbourOptions = {}): DimensionChoice {
  if (!Number.isInteger(maxDimension) || maxDimension < 1) throw new TdaInputError(`dimension search: max dimension ${maxDimension} must be a positive integer`);
  if (!Number.isInteger(delay) || delay < 1) throw new TdaInputError(`dimension search: delay ${delay} must be a positive integer`);
  const threshold = options.threshold ?? 0.01;
  const minPoints = options.minPoints ?? 10;
  const falseShare = new Float64Array(maxDimension).fill(NaN);
  const skipped: Skipped[] = [];
  for (let d = 1; d <= maxDimension; d++) {
    const points = series.length - d * delay;
    if (points < minPoints) {
      skipped.push({
        dimension: d,
        delay,
        reason: `${series.length} samples give ${Math.max(0, points)} points in dimension ${d + 1} with delay ${delay} (span ${embeddingSpan(d + 1, delay)}); at least ${minPoints} needed`,
      });
      continue;
    }
    falseShare[d - 1] = falseNeighbourShare(series, d, delay, options);
    if (falseShare[d - 1] < threshold) return { dimension: d, falseShare, skipped };
  }
  return { dimension: undefined, falseShare, skipped };
}

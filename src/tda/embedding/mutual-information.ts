import { TdaInputError } from "../types.ts";

/** A candidate left out of an automatic choice, and why. */
export interface Skipped {
  delay?: number;
  dimension?: number;
  reason: string;
}

export interface DelayChoice {
  /** The delay chosen, or undefined when no delay could be evaluated. */
  delay: number | undefined;
  /** `mutualInformation[τ − 1]` is I(τ) in nats; NaN where τ was skipped. */
  mutualInformation: Float64Array;
  /** How `delay` was chosen: "first-minimum" or, when I(τ) never turns up, "global-minimum". */
  rule: "first-minimum" | "global-minimum" | "none";
  bins: number;
  skipped: Skipped[];
}

/**
 * Default number of histogram bins for n pairs: √(n / 5) rounded down, between 4 and 64,
 * so that an occupied cell of the joint histogram holds a few pairs on average.
 */
export function defaultBins(pairs: number): number {
  return Math.max(4, Math.min(64, Math.floor(Math.sqrt(pairs / 5))));
}

/**
 * Time-delayed mutual information I(τ) between x_t and x_{t+τ} (Fraser and Swinney 1986),
 * with the histogram estimator: the range [min x, max x] of the whole series is cut into
 * `bins` equal bins (the same for both coordinates); the N − τ pairs fill a bins × bins
 * joint histogram; with p_ij the share of pairs in cell (i, j) and p_i, q_j its row and
 * column sums, I = Σ p_ij ln(p_ij / (p_i q_j)), in nats. This is what giotto-tda computes
 * (numpy's histogram2d then scikit-learn's mutual_info_score), except that its bins span
 * each coordinate's own range.
 */
export function delayedMutualInformation(series: ArrayLike<number>, delay: number, bins: number, scratch?: Float64Array): number {
  const n = series.length - delay;
  if (n < 1) throw new TdaInputError(`mutual information: delay ${delay} leaves no pair in ${series.length} samples`);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < series.length; i++) {
    lo = Math.min(lo, series[i]);
    hi = Math.max(hi, series[i]);
  }
  if (!(hi > lo)) return 0;
  const cells = bins * bins;
  const joint = scratch !== undefined && scratch.length >= cells + 2 * bins ? scratch : new Float64Array(cells + 2 * bins);
  joint.fill(0, 0, cells + 2 * bins);
  const width = (hi - lo) / bins;
  for (let t = 0; t < n; t++) {
    const a = binOf(series[t], lo, width, bins);
    const b = binOf(series[t + delay], lo, width, bins);
    joint[a * bins + b]++;
    joint[cells + a]++;
    joint[cells + bins + b]++;
  }
  let information = 0;
  for (let a = 0; a < bins; a++) {
    const rowCount = joint[cells + a];
    if (rowCount === 0) continue;
    for (let b = 0; b < bins; b++) {
      const count = joint[a * bins + b];
      if (count === 0) continue;
      information += (count / n) * Math.log((count * n) / (rowCount * joint[cells + bins + b]));
    }
  }
  return information;
}

/**
 * The delay at the first local minimum of I(τ), τ = 1 … maxDelay (Fraser and Swinney's
 * rule): the first τ with I(τ) < I(τ − 1) and I(τ) ≤ I(τ + 1). When I never turns up in the
 * range, the global minimum is used instead (giotto-tda's rule) and `rule` says so. Delays
 * leaving fewer than `minPairs` pairs (default 20) are skipped with a reason.
 */
export function chooseDelay(series: ArrayLike<number>, maxDelay: number, options: { bins?: number; minPairs?: number } = {}): DelayChoice {
  if (!Number.isInteger(maxDelay) || maxDelay < 1) throw new TdaInputError(`delay search: max delay ${maxDelay} must be a positive integer`);
  const bins = options.bins ?? defaultBins(Math.max(1, series.length - 1));
  if (!Number.isInteger(bins) || bins < 2) throw new TdaInputError(`delay search: bins ${bins} must be an integer of at least 2`);
  const minPairs = options.minPairs ?? 20;
  const mi = new Float64Array(maxDelay).fill(NaN);
  const skipped: Skipped[] = [];
  const scratch = new Float64Array(bins * bins + 2 * bins);
  for (let tau = 1; tau <= maxDelay; tau++) {
    const pairs = series.length - tau;
    if (pairs < minPairs) {
      skipped.push({ delay: tau, reason: `only ${Math.max(0, pairs)} pairs (x_t, x_t+${tau}) in ${series.length} samples; at least ${minPairs} needed` });
      continue;
    }
    mi[tau - 1] = delayedMutualInformation(series, tau, bins, scratch);
  }
  for (let tau = 2; tau < maxDelay; tau++) {
    const before = mi[tau - 2];
    const here = mi[tau - 1];
    const after = mi[tau];
    if (here < before && here <= after) return { delay: tau, mutualInformation: mi, rule: "first-minimum", bins, skipped };
  }
  let best: number | undefined;
  for (let tau = 1; tau <= maxDelay; tau++) {
    if (!Number.isNaN(mi[tau - 1]) && (best === undefined || mi[tau - 1] < mi[best - 1])) best = tau;
  }
  return { delay: best, mutualInformation: mi, rule: best === undefined ? "none" : "global-minimum", bins, skipped };
}

function binOf(x: number, lo: number, width: number, bins: number): number {
  const bin = Math.floor((x - lo) / width);
  return bin >= bins ? bins - 1 : bin;
}

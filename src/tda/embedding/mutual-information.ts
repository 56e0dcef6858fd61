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
  /** "first-minimum" (see chooseDelay), "global-minimum" when I(τ) never turns up in the range, "none" when no τ fitted. */
  rule: "first-minimum" | "global-minimum" | "none";
  bins: number;
  skipped: Skipped[];
}

export interface MutualInformationOptions {
  /** Bins across the range of the series (default `defaultBins`). */
  bins?: number;
  /** Histograms averaged, each shifted by 1/shifts of a bin (default 4). */
  shifts?: number;
}

/**
 * Default number of bins for n pairs: √(n / 5) rounded down, between 4 and 16, so that an
 * occupied cell of the joint histogram holds a few pairs on average. More bins than 16 make
 * the estimate of a near-deterministic signal flat in τ (its true value is infinite).
 */
export function defaultBins(pairs: number): number {
  return Math.max(4, Math.min(16, Math.floor(Math.sqrt(pairs / 5))));
}

/**
 * Time-delayed mutual information I(τ) between x_t and x_{t+τ} (Fraser and Swinney 1986),
 * by an averaged shifted histogram. With w = (max x − min x) / bins, histogram s
 * (s = 0 … shifts − 1) has bins of width w starting at min x − (s / shifts) w (bins + 1 of
 * them, the same for both coordinates); the N − τ pairs fill a joint histogram; with p_ij
 * the share of pairs in cell (i, j) and p_i, q_j its row and column sums,
 * I_s = Σ p_ij ln(p_ij / (p_i q_j)) in nats; I(τ) is the mean of the I_s. One histogram
 * (shifts = 1) is the plain estimator giotto-tda uses (numpy's histogram2d, then
 * scikit-learn's mutual_info_score; its bins span each coordinate's own range). Averaging
 * the shifts removes the ripple in τ that bin edges cause on periodic signals.
 */
export function delayedMutualInformation(series: ArrayLike<number>, delay: number, options: MutualInformationOptions = {}, scratch?: Float64Array): number {
  const n = series.length - delay;
  if (n < 1) throw new TdaInputError(`mutual information: delay ${delay} leaves no pair in ${series.length} samples`);
  const bins = options.bins ?? defaultBins(n);
  const shifts = options.shifts ?? 4;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < series.length; i++) {
    lo = Math.min(lo, series[i]);
    hi = Math.max(hi, series[i]);
  }
  if (!(hi > lo)) return 0;
  const width = (hi - lo) / bins;
  const cellsPerSide = bins + 1;
  const cells = cellsPerSide * cellsPerSide;
  const size = cells + 2 * cellsPerSide;
  const counts = scratch !== undefined && scratch.length >= size ? scratch : new Float64Array(size);
  let sum = 0;
  for (let s = 0; s < shifts; s++) {
    const start = lo - (s / shifts) * width;
    counts.fill(0, 0, size);
    for (let t = 0; t < n; t++) {
      const a = binOf(series[t], start, width, cellsPerSide);
      const b = binOf(series[t + delay], start, width, cellsPerSide);
      counts[a * cellsPerSide + b]++;
      counts[cells + a]++;
      counts[cells + cellsPerSide + b]++;
    }
    for (let a = 0; a < cellsPerSide; a++) {
      const rowCount = counts[cells + a];
      if (rowCount === 0) continue;
      for (let b = 0; b < cellsPerSide; b++) {
        const count = counts[a * cellsPerSide + b];
        if (count === 0) continue;
        sum += (count / n) * Math.log((count * n) / (rowCount * counts[cells + cellsPerSide + b]));
      }
    }
  }
  return sum / shifts;
}

/**
 * The delay at the first minimum of I(τ), τ = 1 … maxDelay (Fraser and Swinney's rule),
 * read at a resolution ε = `tolerance` · (max I − min I) (default 3 %): walking up from
 * τ = 1, keep the lowest I so far; the first minimum is that lowest point once I has risen
 * more than ε above it. The delay is the middle of the run of delays around it whose I is
 * within ε of it. The histogram estimate of a near-deterministic signal is flat around its
 * minimum with ripples from the bins; a strict first minimum lands on whichever ripple
 * comes first, the middle of the flat part does not (a sine gives about a quarter period).
 * When I never rises by ε in the range, the global minimum is used (giotto-tda's rule) and
 * `rule` says so. Delays leaving fewer than `minPairs` pairs (default 20) are skipped with
 * a reason.
 */
export function chooseDelay(
  series: ArrayLike<number>,
  maxDelay: number,
  options: MutualInformationOptions & { minPairs?: number; tolerance?: number } = {},
): DelayChoice {
  if (!Number.isInteger(maxDelay) || maxDelay < 1) throw new TdaInputError(`delay search: max delay ${maxDelay} must be a positive integer`);
  const bins = options.bins ?? defaultBins(Math.max(1, series.length - 1));
  if (!Number.isInteger(bins) || bins < 2) throw new TdaInputError(`delay search: bins ${bins} must be an integer of at least 2`);
  const minPairs = options.minPairs ?? 20;
  const tolerance = options.tolerance ?? 0.03;
  const mi = new Float64Array(maxDelay).fill(NaN);
  const skipped: Skipped[] = [];
  const scratch = new Float64Array((bins + 1) * (bins + 3));
  for (let tau = 1; tau <= maxDelay; tau++) {
    const pairs = series.length - tau;
    if (pairs < minPairs) {
      skipped.push({ delay: tau, reason: `only ${Math.max(0, pairs)} pairs (x_t, x_t+${tau}) in ${series.length} samples; at least ${minPairs} needed` });
      continue;
    }
    mi[tau - 1] = delayedMutualInformation(series, tau, { bins, shifts: options.shifts }, scratch);
  }
  // Skipped delays are the longest ones, so the evaluated ones are a prefix.
  let evaluated = 0;
  while (evaluated < maxDelay && !Number.isNaN(mi[evaluated])) evaluated++;
  if (evaluated === 0) return { delay: undefined, mutualInformation: mi, rule: "none", bins, skipped };
  let lowest = Infinity;
  let highest = -Infinity;
  for (let i = 0; i < evaluated; i++) {
    lowest = Math.min(lowest, mi[i]);
    highest = Math.max(highest, mi[i]);
  }
  const slack = tolerance * (highest - lowest);
  let best = 0;
  let rise = -1;
  for (let i = 1; i < evaluated; i++) {
    if (mi[i] < mi[best]) best = i;
    else if (mi[i] > mi[best] + slack) {
      rise = i;
      break;
    }
  }
  if (rise < 0) {
    let global = 0;
    for (let i = 1; i < evaluated; i++) if (mi[i] < mi[global]) global = i;
    return { delay: global + 1, mutualInformation: mi, rule: "global-minimum", bins, skipped };
  }
  let first = best;
  let last = best;
  while (first > 0 && mi[first - 1] <= mi[best] + slack) first--;
  while (last + 1 < rise && mi[last + 1] <= mi[best] + slack) last++;
  return { delay: Math.round((first + last) / 2) + 1, mutualInformation: mi, rule: "first-minimum", bins, skipped };
}

function binOf(x: number, start: number, width: number, count: number): number {
  const bin = Math.floor((x - start) / width);
  return bin >= count ? count - 1 : bin < 0 ? 0 : bin;
}

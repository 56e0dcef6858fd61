/**
 * Change detection over one key and scale.
 *
 * Consecutive windows share most of their points, so their distance measures sampling noise
 * and says little about change. The detector instead compares each window with its
 * reference: the most recent earlier window that shares no point with it. The bottleneck
 * distance to it is the "reference distance"; on a stable stream it is the distance between
 * two independent samples of the same shape, and after a lasting change it is large for
 * about a window length, until the reference itself has moved past the change.
 *
 * A change lasts; sampling accidents do not. A big gap in a window's sample (or in its
 * reference) moves the distance for a window or two, until new points fill the gap, while
 * after a change the distance stays up for as long as the reference predates the change
 * (about a window length). So the detector scores the "lasting distance": the smallest of
 * the last `span` reference distances, span = one window length in slides by default. A
 * flag therefore comes about a window length after the change has filled most of a window.
 *
 * The score is a robust z-score of the lasting distance against the key's own history of
 * lasting distances (the last `history` of them):
 *   score = (d − median) / max(1.4826 · MAD, minRelativeSpread · median, 1e-12)
 * 1.4826 · MAD estimates the standard deviation of normal data and, like the median, is not
 * moved by the minority of large distances a change leaves in the history. A window is an
 * anomaly when the score exceeds `threshold`, once `warmup` distances have been seen.
 * Distances are positive and right-skewed (a minimum of sampling distances), so MAD alone
 * underestimates their upper tail; the spread floor, a fraction of the median, makes the
 * rule also relative: with the defaults (8, 0.5) a flag needs a lasting distance above
 * 5 times the key's usual one (the median). It also keeps a noiseless stream from turning
 * rounding into alarms. An infinite distance (the windows have different numbers of
 * essential classes: only with a threshold below the enclosing radius) scores Infinity.
 */
import type { ResolvedConfig } from "./config.ts";

export interface Verdict {
  score: number | null;
  anomaly: boolean;
}

const scratch = { values: new Float64Array(0) };

export interface DetectorState {
  /** The last `span` reference distances, oldest first. */
  recent: number[];
  /** Past lasting distances, oldest first. */
  history: number[];
}

/** The configured span, or one window length in slides (at least 1). */
export function lastingSpan(configured: number, windowLength: number, slide: number): number {
  if (configured > 0) return configured;
  return Math.max(1, Math.floor(windowLength / slide));
}

/** Scores one window's reference distance and records it. */
export function scoreWindow(referenceDistance: number, state: DetectorState, span: number, config: ResolvedConfig["detector"]): Verdict {
  state.recent.push(referenceDistance);
  if (state.recent.length > span) state.recent.shift();
  if (state.recent.length < span) return { score: null, anomaly: false };
  let lasting = Infinity;
  for (const d of state.recent) if (d < lasting) lasting = d;
  return scoreAndRecord(lasting, state.history, config);
}

/** Scores `distance` against `history`, then appends it (keeping at most `history` entries). */
function scoreAndRecord(distance: number, history: number[], config: ResolvedConfig["detector"]): Verdict {
  let verdict: Verdict = { score: null, anomaly: false };
  if (history.length >= config.warmup) {
    const median = medianOf(history, 0);
    const mad = medianOf(history, median, true);
    const spread = Math.max(1.4826 * mad, config.minRelativeSpread * median, 1e-12);
    const score = distance === Infinity ? Infinity : (distance - median) / spread;
    verdict = { score, anomaly: score > config.threshold };
  }
  if (Number.isFinite(distance)) {
    history.push(distance);
    if (history.length > config.history) history.splice(0, history.length - config.history);
  }
  return verdict;
}

/** Median of `values`, or with `absolute` the median of |value − centre|: by selection, not a sort. */
export function medianOf(values: number[], centre: number, absolute = false): number {
  const n = values.length;
  if (scratch.values.length < n) scratch.values = new Float64Array(Math.max(n, 2 * scratch.values.length));
  const work = scratch.values.subarray(0, n);
  for (let i = 0; i < n; i++) work[i] = absolute ? Math.abs(values[i] - centre) : values[i];
  const upper = selectNth(work, n >> 1);
  if (n % 2 === 1) return upper;
  // The other middle value is the largest of those selection left below it.
  let lower = work[0];
  for (let i = 1; i < n >> 1; i++) if (work[i] > lower) lower = work[i];
  return (lower + upper) / 2;
}

/**
 * The k-th smallest of `a` (Hoare's selection, middle pivot), leaving every smaller-placed
 * value in a[0..k) and the rest after it. The values are finite, so the order is total.
 */
function selectNth(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k];
}

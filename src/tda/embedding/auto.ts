import { TdaInputError } from "../types.ts";
import { chooseDimension, type DimensionChoice, type FalseNeighbourOptions } from "./false-nearest-neighbours.ts";
import { chooseDelay, type DelayChoice, type Skipped } from "./mutual-information.ts";
import { checkSeries } from "./series.ts";

export interface AutoEmbeddingOptions extends FalseNeighbourOptions {
  /** Largest delay tried (default 50, fewer when the series is short). */
  maxDelay?: number;
  /** Largest dimension tried (default 10). */
  maxDimension?: number;
  /** Histogram bins of the mutual information (default `defaultBins`). */
  bins?: number;
}

export interface AutoEmbedding {
  delay: DelayChoice;
  dimension: DimensionChoice;
  /** Every candidate left out, with its reason. */
  skipped: Skipped[];
  /** Set when no (dimension, delay) fits; says why. */
  failure?: string;
}

/**
 * Delay by the first minimum of the mutual information, then dimension by false nearest
 * neighbours at that delay. Candidates that do not fit the series are skipped with a
 * reason; when nothing fits, `failure` says why (no exception: a stream keeps going).
 */
export function chooseEmbedding(series: ArrayLike<number>, options: AutoEmbeddingOptions = {}): AutoEmbedding {
  checkSeries(series);
  const maxDelay = options.maxDelay ?? Math.max(1, Math.min(50, Math.floor(series.length / 4)));
  const maxDimension = options.maxDimension ?? 10;
  if (!Number.isInteger(maxDelay) || maxDelay < 1) throw new TdaInputError(`embedding search: max delay ${maxDelay} must be a positive integer`);
  const delay = chooseDelay(series, maxDelay, { bins: options.bins });
  if (delay.delay === undefined) {
    const dimension = { dimension: undefined, falseShare: new Float64Array(0), skipped: [] };
    return { delay, dimension, skipped: delay.skipped, failure: `no delay from 1 to ${maxDelay} fits ${series.length} samples` };
  }
  const dimension = chooseDimension(series, delay.delay, maxDimension, options);
  const skipped = [...delay.skipped, ...dimension.skipped];
  if (dimension.dimension === undefined) {
    const tried = Array.from(dimension.falseShare, (share, i) => `${i + 1}: ${Number.isNaN(share) ? "skipped" : share.toFixed(3)}`).join(", ");
    return { delay, dimension, skipped, failure: `no dimension up to ${maxDimension} brings false neighbours below the threshold at delay ${delay.delay} (${tried})` };
  }
  return { delay, dimension, skipped };
}

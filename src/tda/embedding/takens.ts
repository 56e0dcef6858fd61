import { TdaInputError } from "../types.ts";

export interface TakensParameters {
  /** Coordinates per point, d ≥ 1. */
  dimension: number;
  /** Samples between consecutive coordinates, τ ≥ 1. */
  delay: number;
  /** Samples between consecutive points, s ≥ 1 (default 1). */
  stride?: number;
}

/** Points, row-major: point i is `points[i * dimension … (i + 1) * dimension − 1]`. */
export interface PointCloud {
  points: Float64Array;
  count: number;
  dimension: number;
}

/** Samples one point spans: (d − 1)τ + 1. */
export function embeddingSpan(dimension: number, delay: number): number {
  return (dimension - 1) * delay + 1;
}

/** How many points a series of `length` samples gives: ⌊(N − span) / s⌋ + 1, or 0 when too short. */
export function embeddedCount(length: number, params: TakensParameters): number {
  const span = embeddingSpan(params.dimension, params.delay);
  if (length < span) return 0;
  return Math.floor((length - span) / (params.stride ?? 1)) + 1;
}

/**
 * Time-delay (Takens) embedding: point i is (x[o + is], x[o + is + τ], …, x[o + is + (d−1)τ]).
 * The offset o = (N − span) mod s is chosen so that the last point ends on the last sample,
 * as giotto-tda's `TakensEmbedding` does: in a stream the newest sample is always used.
 * Throws TdaInputError when the series is shorter than one point's span.
 */
export function takensEmbedding(series: ArrayLike<number>, params: TakensParameters, out?: Float64Array): PointCloud {
  checkTakensParameters(params);
  const { dimension, delay } = params;
  const stride = params.stride ?? 1;
  const count = embeddedCount(series.length, params);
  if (count === 0) {
    throw new TdaInputError(
      `series of ${series.length} samples is too short for dimension ${dimension} and delay ${delay}: ` +
        `one point spans ${embeddingSpan(dimension, delay)} samples`,
    );
  }
  const offset = (series.length - embeddingSpan(dimension, delay)) % stride;
  const points = out !== undefined && out.length >= count * dimension ? out : new Float64Array(count * dimension);
  for (let i = 0; i < count; i++) {
    const start = offset + i * stride;
    for (let k = 0; k < dimension; k++) points[i * dimension + k] = series[start + k * delay];
  }
  return { points, count, dimension };
}

export function checkTakensParameters(params: TakensParameters): void {
  for (const name of ["dimension", "delay", "stride"] as const) {
    const value = params[name] ?? 1;
    if (!Number.isInteger(value) || value < 1) throw new TdaInputError(`embedding: ${name} ${value} must be a positive integer`);
  }
}

import { TdaInputError } from "../types.ts";

/**
 * Evenly spaced sample points `min, min + step, …, max` (`n` of them, both ends included,
 * like numpy's `linspace`). A stream fixes its grid up front: it cannot learn its range
 * from windows it has not seen, and features from different windows only compare when
 * they were sampled at the same points.
 */
export interface Grid {
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function gridStep(grid: Grid): number {
  return grid.n > 1 ? (grid.max - grid.min) / (grid.n - 1) : 0;
}

export function gridPoint(grid: Grid, i: number): number {
  // The last point is `max` exactly, not `min + (n-1) * step` with its rounding error.
  if (i === grid.n - 1) return grid.max;
  return grid.min + i * gridStep(grid);
}

export function gridValues(grid: Grid): Float64Array {
  const values = new Float64Array(grid.n);
  for (let i = 0; i < grid.n; i++) values[i] = gridPoint(grid, i);
  return values;
}

/** Throws TdaInputError unless `grid` is finite, `n` a positive integer and `min < max` (or n = 1). */
export function checkGrid(grid: Grid, where = "grid"): void {
  const { min, max, n } = grid;
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new TdaInputError(`${where}: min ${min} and max ${max} must be finite`);
  if (!Number.isInteger(n) || n < 1) throw new TdaInputError(`${where}: n ${n} must be a positive integer`);
  if (n > 1 && !(min < max)) throw new TdaInputError(`${where}: min ${min} must be below max ${max}`);
}

/** `out` when it has room for `length` values (then zeroed), else a new array. */
export function outputBuffer(length: number, out?: Float64Array): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (out.length < length) throw new TdaInputError(`output buffer holds ${out.length} values, ${length} needed`);
  out.fill(0, 0, length);
  return out;
}

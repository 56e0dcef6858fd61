/**
 * How vectorizations treat essential classes (death Infinity).
 *
 * A class that never dies has infinite persistence, which no weight, tent or Gaussian can
 * take. With `infinity` set, an essential class [b, ∞) is read as [b, infinity) — the
 * convention of giotto-tda's `infinity_values` and persim's `val_inf`; a class born at or
 * after `infinity` then has no length and adds nothing. Without it, Betti curves and
 * point counts still count essential classes (they are finite there), and every other
 * vectorization leaves them out. `countEssential` says how many were left out.
 */
export interface EssentialOptions {
  /** Death given to essential classes; leave unset to leave them out (see above). */
  infinity?: number;
}

/** The death a vectorization uses: Infinity still means "leave this interval out". */
export function effectiveDeath(death: number, infinity: number | undefined): number {
  if (death !== Infinity || infinity === undefined) return death;
  return infinity;
}

export function countEssential(intervals: ReadonlyArray<readonly [number, number]>): number {
  let count = 0;
  for (const [, death] of intervals) if (death === Infinity) count++;
  return count;
}

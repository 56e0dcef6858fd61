/**
 * Turns one dimension of a diagram into the flat arrays the distance kernels work on.
 *
 * Finite intervals become points (birth, death) in two Float64Arrays; essential intervals
 * (death = Infinity) are kept apart as their births, sorted, because every distance here
 * treats them the same way: equal counts are matched among themselves in birth order,
 * different counts make the distance infinite. Nothing is dropped: a malformed interval is
 * a TdaInputError naming where it is.
 */
import { TdaInputError, type Interval } from "../types.ts";

export interface PreparedDiagram {
  /** Births of the finite intervals. */
  births: Float64Array;
  /** Deaths of the finite intervals (same order as births). */
  deaths: Float64Array;
  /** For each finite point, its index in the caller's interval list. */
  finiteIndex: Int32Array;
  /** Births of the essential intervals, ascending. */
  essentialBirths: Float64Array;
  /** For each sorted essential birth, its index in the caller's interval list. */
  essentialIndex: Int32Array;
}

export function prepareDiagram(intervals: readonly Interval[], where: string): PreparedDiagram {
  if (!Array.isArray(intervals)) throw new TdaInputError(`${where}: expected a list of [birth, death] intervals`);
  let essentialCount = 0;
  for (let k = 0; k < intervals.length; k++) {
    const interval = intervals[k];
    if (!Array.isArray(interval) || interval.length !== 2) {
      throw new TdaInputError(`${where}, interval ${k}: expected [birth, death]`);
    }
    const [birth, death] = interval;
    if (typeof birth !== "number" || !Number.isFinite(birth)) {
      throw new TdaInputError(`${where}, interval ${k}: birth ${String(birth)} is not a finite number`);
    }
    if (typeof death !== "number" || Number.isNaN(death)) {
      throw new TdaInputError(`${where}, interval ${k}: death ${String(death)} is not a number`);
    }
    if (death < birth) throw new TdaInputError(`${where}, interval ${k}: death ${death} is before birth ${birth}`);
    if (death === Infinity) essentialCount++;
  }
  const finiteCount = intervals.length - essentialCount;
  const births = new Float64Array(finiteCount);
  const deaths = new Float64Array(finiteCount);
  const finiteIndex = new Int32Array(finiteCount);
  const essentialIndex = new Int32Array(essentialCount);
  let f = 0;
  let e = 0;
  for (let k = 0; k < intervals.length; k++) {
    const [birth, death] = intervals[k];
    if (death === Infinity) {
      essentialIndex[e++] = k;
    } else {
      births[f] = birth;
      deaths[f] = death;
      finiteIndex[f++] = k;
    }
  }
  // Sort essential classes by birth (ties by index, so results are deterministic).
  const order = Array.from(essentialIndex).sort((x, y) => intervals[x][0] - intervals[y][0] || x - y);
  const essentialBirths = new Float64Array(essentialCount);
  for (let k = 0; k < essentialCount; k++) {
    essentialIndex[k] = order[k];
    essentialBirths[k] = intervals[order[k]][0];
  }
  return { births, deaths, finiteIndex, essentialBirths, essentialIndex };
}

/** A matched pair of interval indices; -1 on either side stands for the diagonal. */
export type MatchedPair = [indexInA: number, indexInB: number];

export interface DistanceWithMatching {
  distance: number;
  /**
   * Which interval of A went to which interval of B (indices into the lists passed in);
   * -1 means the diagonal. Every interval of both lists appears exactly once. Empty when the
   * distance is infinite (the essential counts differ, so no matching has finite cost).
   */
  matching: MatchedPair[];
}

/** True when the essential classes cannot be matched, which makes every distance infinite. */
export function essentialCountsDiffer(a: PreparedDiagram, b: PreparedDiagram): boolean {
  return a.essentialBirths.length !== b.essentialBirths.length;
}

/** Pairs the essential classes in birth order (the convention every distance here follows). */
export function essentialPairs(a: PreparedDiagram, b: PreparedDiagram): MatchedPair[] {
  const pairs: MatchedPair[] = [];
  for (let k = 0; k < a.essentialIndex.length; k++) pairs.push([a.essentialIndex[k], b.essentialIndex[k]]);
  return pairs;
}

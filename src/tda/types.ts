
/** A persistence interval [birth, death); death is Infinity for a class that never dies. */
export type Interval = [birth: number, death: number];

/** Intervals per homology dimension: `diagrams[k]` holds the H_k intervals. */
export type Diagrams = Interval[][];

/**
 * What `ripsPersistence` accepts. Distances are stored as 32-bit floats, as Ripser does,
 * so results agree with it exactly.
 *
 * - `points`: a Euclidean point cloud, row-major, `dimension` coordinates per point,
 *   or an array of coordinate arrays.
 * - `lower`: a compressed lower-triangular distance matrix, row by row:
 *   d(1,0), d(2,0), d(2,1), d(3,0), … (`n` points, n(n-1)/2 entries).
 * - `sparse`: the pairs (i[k], j[k]) at distance d[k]; absent pairs are infinitely far.
 */
export type RipsInput =
  | number[][]
  | { type: "points"; points: ArrayLike<number>; dimension: number }
  | { type: "lower"; n: number; distances: ArrayLike<number> }
  | { type: "sparse"; n: number; i: ArrayLike<number>; j: ArrayLike<number>; d: ArrayLike<number> };

/**
 * A representative cocycle: the simplices (as vertex lists) on which it is nonzero and
 * its coefficient there, in Z/p.
 */
export interface Cocycle {
  simplices: number[][];
  coefficients: number[];
}

export interface PersistenceResult {
  diagrams: Diagrams;
  /** The threshold the complex was built up to. */
  threshold: number;
  /** With `cocycles`: `cocycles[k][m]` represents `diagrams[k][m]` (k ≥ 1). */
  cocycles?: Cocycle[][];
}

/** Raised for input that cannot be computed on: the message says what and where. */
export class TdaInputError extends Error {
  override name = "TdaInputError";
}

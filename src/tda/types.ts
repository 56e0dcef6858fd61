import type { Filtration } from "./rips/filtration.ts";
import type { AssemblyHelper } from "./rips/assembly.ts";

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

export interface RipsOptions {
  /** Highest homology dimension computed (default 1). */
  maxDim?: number;
  /** Largest diameter of a simplex; default: the enclosing radius (Ripser's default). */
  threshold?: number;
  /** Prime p of the coefficient field Z/p (default 2). */
  modulus?: number;
  /** Also return a representative cocycle for every interval of dimension ≥ 1. */
  cocycles?: boolean;
  /**
   * Collapse dominated edges before reducing (tda/rips/edge-collapse.ts): the same intervals
   * from far fewer edges where points sample a low-dimensional shape densely (a noisy loop:
   * 10–20× fewer); little gain on spread-out data. Not with `cocycles`, whose representatives
   * live on the full complex. Default false.
   */
  collapse?: boolean;
  /** Called now and then with the dimension being reduced and the share of it done. */
  onProgress?: (dim: number, done: number) => void;
  /**
   * Makes a helper that assembles half of each dimension's columns on another thread
   * (for Node: `assemblyWorker` in src/service/runtime/rips-threads.ts). Results are identical.
   */
  assemblyHelper?: (filtration: Filtration, maxDim: number) => AssemblyHelper;
}

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

import { TdaInputError } from "./types.ts";

/** Points as a row-major buffer with `dimension` coordinates each, or one array per point. */
export type PointsInput = number[][] | { points: ArrayLike<number>; dimension: number };

export interface MaxminOptions {
  /** Number of landmarks wanted (stops earlier if `radius` is reached). */
  count?: number;
  /** Stop once every point is within this distance of a landmark. */
  radius?: number;
  /** Index of the first landmark (default 0, so results are reproducible). */
  first?: number;
}

export interface Landmarks {
  /** Indices of the landmarks into the input, in the order chosen. */
  indices: Int32Array;
  /** max over points of the distance to the nearest landmark: every point is within it. */
  coveringRadius: number;
  /** For each point, the distance to its nearest landmark. */
  nearestDistance: Float64Array;
}

/**
 * Maxmin (farthest-point) subsampling (de Silva and Carlsson 2004): start from `first`,
 * then repeatedly add the point farthest from the landmarks so far (ties to the lowest
 * index), until `count` landmarks or a covering radius ≤ `radius`. Each step updates every
 * point's distance to its nearest landmark: O(n · landmarks · dimension) time, O(n) memory.
 * The greedy covering radius is within a factor 2 of the best possible for that count.
 */
export function maxminLandmarks(input: PointsInput, options: MaxminOptions): Landmarks {
  const { points, dimension, n } = flatten(input);
  const count = options.count ?? n;
  const radius = options.radius ?? 0;
  const first = options.first ?? 0;
  if (options.count === undefined && options.radius === undefined) throw new TdaInputError(`maxmin: give a landmark count or a radius`);
  if (!Number.isInteger(count) || count < 1) throw new TdaInputError(`maxmin: count ${count} must be a positive integer`);
  if (!(radius >= 0)) throw new TdaInputError(`maxmin: radius ${radius} must be non-negative`);
  if (n === 0) throw new TdaInputError(`maxmin: no points`);
  if (!Number.isInteger(first) || first < 0 || first >= n) throw new TdaInputError(`maxmin: first landmark ${first} is not a point index below ${n}`);
  const nearest = new Float64Array(n).fill(Infinity);
  const chosen: number[] = [];
  let next = first;
  let covering = Infinity;
  while (chosen.length < Math.min(count, n)) {
    chosen.push(next);
    covering = 0;
    let farthest = next;
    const base = next * dimension;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      const row = i * dimension;
      for (let k = 0; k < dimension; k++) {
        const u = points[row + k] - points[base + k];
        sum += u * u;
      }
      const distance = Math.sqrt(sum);
      if (distance < nearest[i]) nearest[i] = distance;
      if (nearest[i] > covering) {
        covering = nearest[i];
        farthest = i;
      }
    }
    if (covering <= radius) break;
    next = farthest;
  }
  return { indices: Int32Array.from(chosen), coveringRadius: covering, nearestDistance: nearest };
}

function flatten(input: PointsInput): { points: ArrayLike<number>; dimension: number; n: number } {
  if (Array.isArray(input)) {
    const dimension = input.length > 0 ? input[0].length : 0;
    const points = new Float64Array(input.length * dimension);
    input.forEach((row, i) => {
      if (row.length !== dimension) throw new TdaInputError(`maxmin: point ${i} has ${row.length} coordinates, point 0 has ${dimension}`);
      points.set(row, i * dimension);
    });
    return { points, dimension, n: input.length };
  }
  const { points, dimension } = input;
  if (!Number.isInteger(dimension) || dimension < 1) throw new TdaInputError(`maxmin: dimension ${dimension} must be a positive integer`);
  if (points.length % dimension !== 0) throw new TdaInputError(`maxmin: ${points.length} coordinates are not a whole number of ${dimension}-dimensional points`);
  return { points, dimension, n: points.length / dimension };
}

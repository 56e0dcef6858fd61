import { enclosingRadius, euclideanFloat32 } from "../src/tda/rips.ts";

/** A window as a stream keeps it (src/stream/slot-complex.ts): float32 distances, and the edges within the enclosing radius in filtration order. */
export interface SortedWindow {
  n: number;
  lower: Float32Array;
  sortedEdges: number[];
  radius: number;
}

export function sortedWindowOf(points: number[][]): SortedWindow {
  const n = points.length;
  const flat = Float32Array.from(points.flat());
  const lower = new Float32Array((n * (n - 1)) / 2);
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) lower[(i * (i - 1)) / 2 + j] = euclideanFloat32(flat, points[0].length, i, j);
  const radius = enclosingRadius(n, lower);
  const sortedEdges = Array.from(lower.keys())
    .filter((e) => lower[e] <= radius)
    .sort((a, b) => lower[a] - lower[b] || b - a);
  return { n, lower, sortedEdges, radius };
}

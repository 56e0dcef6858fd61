import type { RipsInput } from "../src/tda/types.ts";
import type { RipserFormat } from "./ripser.ts";

// Inputs written for both engines: the same numbers as ripser's text and as a RipsInput.

/** Points as ripser's point-cloud text. */
export function pointCloudText(points: number[][]): string {
  return points.map((p) => p.join(",")).join("\n") + "\n";
}

/**
 * A metric on n points given as its compressed lower triangle (pair i > j at
 * i(i-1)/2 + j), the layout `RipsInput` `lower` uses.
 */
export interface LowerMatrix {
  n: number;
  lower: number[];
}

export function lowerIndex(i: number, j: number): number {
  return i > j ? (i * (i - 1)) / 2 + j : (j * (j - 1)) / 2 + i;
}

/** d(i, j) of a lower matrix, 0 on the diagonal. */
export function distanceOf(m: LowerMatrix, i: number, j: number): number {
  return i === j ? 0 : m.lower[lowerIndex(i, j)];
}

export function lowerDistanceText(m: LowerMatrix): string {
  const rows: string[] = [];
  for (let i = 1; i < m.n; i++) rows.push(Array.from({ length: i }, (_, j) => distanceOf(m, i, j)).join(","));
  return rows.join("\n") + "\n";
}

export function upperDistanceText(m: LowerMatrix): string {
  const rows: string[] = [];
  for (let i = 0; i < m.n - 1; i++) rows.push(Array.from({ length: m.n - 1 - i }, (_, k) => distanceOf(m, i, i + 1 + k)).join(","));
  return rows.join("\n") + "\n";
}

export function fullDistanceText(m: LowerMatrix): string {
  const rows: string[] = [];
  for (let i = 0; i < m.n; i++) rows.push(Array.from({ length: m.n }, (_, j) => distanceOf(m, i, j)).join(","));
  return rows.join("\n") + "\n";
}

/** Sparse triplets: pairs absent from the list are infinitely far apart. */
export interface SparseMatrix {
  n: number;
  i: number[];
  j: number[];
  d: number[];
}

export function sparseText(m: SparseMatrix): string {
  return m.i.map((i, k) => `${i} ${m.j[k]} ${m.d[k]}`).join("\n") + "\n";
}

/** The pairs of `m` at distance at most `keepBelow`: a sparse matrix whose missing pairs are "infinitely" far. */
export function sparseFrom(m: LowerMatrix, keepBelow: number): SparseMatrix {
  const sparse: SparseMatrix = { n: m.n, i: [], j: [], d: [] };
  for (let i = 1; i < m.n; i++) {
    for (let j = 0; j < i; j++) {
      const d = distanceOf(m, i, j);
      if (d <= keepBelow) {
        sparse.i.push(i);
        sparse.j.push(j);
        sparse.d.push(d);
      }
    }
  }
  return sparse;
}

/**
 * One input written for both tools: ripser's text in `format`, and the `RipsInput` with
 * the very same numbers. All numbers are exact 32-bit floats, so parsing the text to a
 * float (ripser) and to a double then rounding to float (ours) give the same value.
 */
export interface OracleCase {
  format: RipserFormat;
  text: string;
  input: RipsInput;
}

export function pointCloudCase(points: number[][]): OracleCase {
  return { format: "point-cloud", text: pointCloudText(points), input: points };
}

export function matrixCase(m: LowerMatrix, format: "lower-distance" | "upper-distance" | "distance"): OracleCase {
  const text = format === "lower-distance" ? lowerDistanceText(m) : format === "upper-distance" ? upperDistanceText(m) : fullDistanceText(m);
  return { format, text, input: { type: "lower", n: m.n, distances: m.lower } };
}

export function sparseCase(m: SparseMatrix): OracleCase {
  return { format: "sparse", text: sparseText(m), input: { type: "sparse", n: m.n, i: m.i, j: m.j, d: m.d } };
}

/** n points uniform in [-1, 1]^dimension with coordinates exact in 32 bits. */
export function randomCloud(random: () => number, n: number, dimension: number): number[][] {
  return Array.from({ length: n }, () => Array.from({ length: dimension }, () => Math.fround(2 * random() - 1)));
}

/**
 * Euclidean distance in Ripser's arithmetic: coordinates, differences, squares and the
 * running sum all 32-bit floats (it computes in `float`).
 */
export function float32Distance(a: number[], b: number[]): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) {
    const difference = Math.fround(Math.fround(a[k]) - Math.fround(b[k]));
    sum = Math.fround(sum + Math.fround(difference * difference));
  }
  return Math.fround(Math.sqrt(sum));
}

/** Euclidean distances of `points`, each rounded to 32 bits as a distance matrix file would hold them. */
export function lowerOfPoints(points: number[][]): LowerMatrix {
  const lower: number[] = [];
  for (let i = 1; i < points.length; i++) {
    for (let j = 0; j < i; j++) lower.push(Math.fround(Math.hypot(...points[i].map((x, k) => x - points[j][k]))));
  }
  return { n: points.length, lower };
}

/** The numbers of a text file in ripser's text formats: separated by commas and/or whitespace. */
export function numbersOf(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter((token) => token !== "")
    .map(Number);
}

/** A point-cloud text file: one point per non-empty line. */
export function pointsOf(text: string): number[][] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map(numbersOf);
}

/** A lower-distance text file as a matrix. */
export function lowerOf(text: string): LowerMatrix {
  const lower = numbersOf(text);
  const n = Math.round((1 + Math.sqrt(1 + 8 * lower.length)) / 2);
  if ((n * (n - 1)) / 2 !== lower.length) throw new Error(`${lower.length} numbers are not a lower triangle`);
  return { n, lower };
}

/** A full distance matrix text file (n² numbers) as its lower triangle. */
export function lowerOfFull(text: string): LowerMatrix {
  const values = numbersOf(text);
  const n = Math.round(Math.sqrt(values.length));
  if (n * n !== values.length) throw new Error(`${values.length} numbers are not a square matrix`);
  const lower: number[] = [];
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) lower.push(values[i * n + j]);
  return { n, lower };
}

/** A DIPHA distance matrix (int64 magic 8067171840, int64 type 7, int64 n, n² float64, little-endian) as its lower triangle. */
export function lowerOfDipha(bytes: Uint8Array): LowerMatrix {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getBigInt64(0, true) !== 8067171840n || view.getBigInt64(8, true) !== 7n) throw new Error("not a DIPHA distance matrix");
  const n = Number(view.getBigInt64(16, true));
  const lower: number[] = [];
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) lower.push(view.getFloat64(24 + (i * n + j) * 8, true));
  return { n, lower };
}

/**
 * n points on the unit circle in the plane at uniform angles, each coordinate moved by
 * Gaussian noise of standard deviation `noise`; coordinates exact in 32 bits. The shape
 * users' streams sample: one loop, many short-lived ones around it.
 */
export function noisyCircle(random: () => number, n: number, noise: number): number[][] {
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: n }, () => {
    const angle = 2 * Math.PI * random();
    return [Math.fround(Math.cos(angle) + noise * gaussian()), Math.fround(Math.sin(angle) + noise * gaussian())];
  });
}

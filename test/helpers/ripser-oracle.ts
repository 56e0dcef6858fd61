import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Diagrams, RipsInput } from "../../src/tda/types.ts";

export const RIPSER = "/usr/bin/ripser";

/** Runs Debian's ripser with `text` on its standard input and parses its intervals. */
export function runRipser(text: string, args: string[]): Diagrams {
  requireRipser();
  const out = execFileSync(RIPSER, args, { input: text, encoding: "utf8", maxBuffer: 1 << 28 });
  return parseRipserOutput(out);
}

/** A missing oracle is a set-up problem, not a wrong barcode: say how to fix it. */
function requireRipser(): void {
  if (!existsSync(RIPSER)) throw new Error(`${RIPSER} is missing: the oracle tests need Debian's ripser (apt-get install -y ripser)`);
}

export function parseRipserOutput(out: string): Diagrams {
  const diagrams: Diagrams = [];
  let dim = -1;
  for (const line of out.split("\n")) {
    const header = /^persistence intervals in dim (\d+):/.exec(line);
    if (header) {
      dim = Number(header[1]);
      diagrams[dim] = [];
      continue;
    }
    const m = /^\s*\[([^,]+),\s*([^)]*)\)/.exec(line);
    if (m && dim >= 0) diagrams[dim].push([Number(m[1]), m[2].trim() === "" ? Infinity : Number(m[2])]);
  }
  return diagrams;
}

/**
 * Ripser prints 6 significant digits, so intervals compare after rounding ours the same
 * way; multisets per dimension, as sorted lists of "birth,death" keys.
 */
export function diagramKeys(diagrams: Diagrams, dim: number): string[] {
  return (diagrams[dim] ?? []).map(([b, d]) => `${round6(b)},${d === Infinity ? "inf" : round6(d)}`).sort();
}

function round6(x: number): string {
  return Number(Math.fround(x).toPrecision(6)).toString();
}

/**
 * Asserts equal multisets of intervals (6 significant digits) in every dimension up to
 * `maxDim`. On a mismatch the message lists only the intervals one side has and the other
 * lacks, so a wrong barcode of a thousand intervals still gives a readable failure.
 */
export function assertSameBarcodes(ours: Diagrams, reference: Diagrams, maxDim: number, label: string): void {
  for (let dim = 0; dim <= maxDim; dim++) {
    const a = diagramKeys(ours, dim);
    const b = diagramKeys(reference, dim);
    if (a.length === b.length && a.every((key, k) => key === b[k])) continue;
    const { onlyLeft, onlyRight } = multisetDifference(a, b);
    assert.fail(
      `${label}: H${dim} differs (ours ${a.length} intervals, reference ${b.length}); ` +
        `only ours: [${onlyLeft.slice(0, 12).join(" ")}${onlyLeft.length > 12 ? " …" : ""}] ` +
        `only reference: [${onlyRight.slice(0, 12).join(" ")}${onlyRight.length > 12 ? " …" : ""}]`,
    );
  }
}

/** Barcodes equal as multisets per dimension at 6 significant digits; otherwise how many intervals differ. */
export function compareBarcodes(ours: Diagrams, reference: Diagrams, maxDim: number): { identical: boolean; detail: string } {
  const differences: string[] = [];
  for (let dim = 0; dim <= maxDim; dim++) {
    const { onlyLeft, onlyRight } = multisetDifference(diagramKeys(ours, dim), diagramKeys(reference, dim));
    if (onlyLeft.length + onlyRight.length > 0) differences.push(`H${dim}: ${onlyLeft.length} only ours, ${onlyRight.length} only ripser`);
  }
  return { identical: differences.length === 0, detail: differences.join("; ") };
}

export function multisetDifference(left: string[], right: string[]): { onlyLeft: string[]; onlyRight: string[] } {
  const counts = new Map<string, number>();
  for (const key of left) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const key of right) counts.set(key, (counts.get(key) ?? 0) - 1);
  const onlyLeft: string[] = [];
  const onlyRight: string[] = [];
  for (const [key, count] of counts) {
    for (let k = 0; k < count; k++) onlyLeft.push(key);
    for (let k = 0; k < -count; k++) onlyRight.push(key);
  }
  return { onlyLeft, onlyRight };
}

/** Ripser's command-line arguments; `--format` always, since Debian's default is not the documented one. */
export function ripserArgs(format: RipserFormat, maxDim: number, threshold?: number): string[] {
  const args = ["--format", format, "--dim", String(maxDim)];
  if (threshold !== undefined) args.push("--threshold", String(threshold));
  return args;
}

export type RipserFormat = "point-cloud" | "lower-distance" | "upper-distance" | "distance" | "sparse";

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

export { seededRandom } from "../../src/tda/seeded-random.ts";

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

/** Runs ripser on a file (rather than text on stdin), for the binary formats and the large datasets. */
export function runRipserOnFile(file: string, args: string[]): Diagrams {
  requireRipser();
  return parseRipserOutput(execFileSync(RIPSER, [...args, file], { encoding: "utf8", maxBuffer: 1 << 28 }));
}

const GUDHI_SCRIPT = `
import json, sys
import gudhi
out = []
for case in json.load(sys.stdin):
    n, lower = case["n"], case["lower"]
    rows = [[lower[i * (i - 1) // 2 + j] for j in range(i)] for i in range(n)]
    tree = gudhi.RipsComplex(distance_matrix=rows).create_simplex_tree(max_dimension=case["maxDim"] + 1)
    pairs = tree.persistence(homology_coeff_field=case["modulus"])
    out.append([[dim, birth, None if death == float("inf") else death] for dim, (birth, death) in pairs if dim <= case["maxDim"]])
json.dump(out, sys.stdout)
`;

/**
 * A second oracle for coefficients other than Z/2, which Debian's ripser is not built
 * for: GUDHI's Rips persistence over Z/p (python3-gudhi), on the full complex (the same
 * barcodes as up to the enclosing radius). One Python process for all `cases`.
 */
export function runGudhi(cases: Array<{ matrix: LowerMatrix; maxDim: number; modulus: number }>): Diagrams[] {
  const input = JSON.stringify(cases.map(({ matrix, maxDim, modulus }) => ({ n: matrix.n, lower: matrix.lower, maxDim, modulus })));
  const out = JSON.parse(execFileSync("/usr/bin/python3", ["-c", GUDHI_SCRIPT], { input, encoding: "utf8", maxBuffer: 1 << 28 })) as Array<Array<[number, number, number | null]>>;
  return out.map((pairs, k) => {
    const diagrams: Diagrams = Array.from({ length: cases[k].maxDim + 1 }, () => []);
    for (const [dim, birth, death] of pairs) diagrams[dim].push([birth, death ?? Infinity]);
    return diagrams;
  });
}

import type { RipsInput } from "../types.ts";
import { emptyInputError, endOfLine, inputErrorAt, scanText, type ScannedText } from "./text-scanner.ts";

/**
 * Text distance matrices: Ripser's `lower-distance`, `upper-distance` and `distance`.
 * All three become the compressed lower triangle the engine takes:
 * d(1,0), d(2,0), d(2,1), d(3,0), …
 */

/**
 * `lower-distance`: the entries below the diagonal, row by row. Line breaks do not matter
 * (Ripser reads the file as one stream of numbers); the count must be n(n-1)/2.
 */
export function parseLowerDistance(text: string, source: string): RipsInput {
  const scanned = scanText(text, source);
  // Rows 0 / d 0 / d d 0 also count n(n-1)/2 values, for one point more: say so instead of misreading.
  if (triangleRows(scanned) === "with-diagonal") {
    throw inputErrorAt(text, source, scanned.offsets[0], `rows grow 1, 2, 3, … and each ends in 0: this looks like a lower triangle with its diagonal; read it as "distance", or leave the diagonal out`);
  }
  const n = triangularSize(scanned, text, source, "a lower-triangular");
  const distances = Float64Array.from(scanned.values);
  checkDistances(distances, scanned, text, source);
  return { type: "lower", n, distances };
}

/** `upper-distance`: the entries above the diagonal, row by row: d(0,1), d(0,2), …, d(1,2), … */
export function parseUpperDistance(text: string, source: string): RipsInput {
  const scanned = scanText(text, source);
  const n = triangularSize(scanned, text, source, "an upper-triangular");
  const upper = scanned.values;
  checkDistances(upper, scanned, text, source);
  const distances = new Float64Array(upper.length);
  // Row i of the upper triangle holds d(i, i+1) … d(i, n-1); d(j, i) sits at j(j-1)/2 + i below it.
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) distances[(j * (j - 1)) / 2 + i] = upper[k++];
  }
  return { type: "lower", n, distances };
}

/**
 * `distance`: the full square matrix, one row per line. Ripser reads only the part below the
 * diagonal; here the rest is checked too, so that a matrix that is not square, has a
 * nonzero diagonal or is not symmetric is reported instead of silently half-read.
 * A lower triangle with its diagonal (rows `0`, `d 0`, `d d 0`, …) is read as well, as
 * Ripser reads it.
 */
export function parseFullDistance(text: string, source: string): RipsInput {
  const scanned = scanText(text, source);
  const { values, offsets, rowStarts } = scanned;
  if (values.length === 0) throw emptyInputError(source);
  const rowCount = rowStarts.length;
  const rowEnd = (r: number) => (r + 1 < rowCount ? rowStarts[r + 1] : values.length);
  const n = rowEnd(0);
  const triangle = triangleRows(scanned);
  if (triangle === "without-diagonal") {
    throw inputErrorAt(text, source, offsets[0], `row lengths grow 1, 2, 3, …: this looks like a lower triangle without its diagonal; read it as "lower-distance", not as a full "distance" matrix`);
  }
  if (triangle === "with-diagonal") return lowerWithDiagonal(scanned, text, source);
  for (let r = 1; r < rowCount; r++) {
    const count = rowEnd(r) - rowStarts[r];
    if (count > n) throw inputErrorAt(text, source, offsets[rowStarts[r] + n], `row ${r + 1} has ${count} values but row 1 has ${n}: a full distance matrix is square`);
    if (count < n) {
      const lastOffset = offsets[rowEnd(r) - 1];
      throw inputErrorAt(text, source, endOfLine(text, lastOffset), `row ${r + 1} has ${count} values but row 1 has ${n}: a full distance matrix is square`);
    }
    if (r === n) throw inputErrorAt(text, source, offsets[rowStarts[r]], `row ${r + 1} is one too many: rows of ${n} values make a ${n}×${n} matrix`);
  }
  if (rowCount < n) {
    throw inputErrorAt(text, source, scanned.endOffset, `only ${rowCount} rows of ${n} values: a full distance matrix is square (${n} rows)`);
  }
  checkDistances(values, scanned, text, source);
  const distances = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const diagonal = i * n + i;
    if (values[diagonal] !== 0) {
      throw inputErrorAt(text, source, offsets[diagonal], `diagonal entry (${i + 1}, ${i + 1}) is ${values[diagonal]}, not 0: a point is at distance 0 from itself`);
    }
    for (let j = 0; j < i; j++) {
      const below = values[i * n + j];
      const above = values[j * n + i];
      // The engine keeps 32-bit floats: entries equal at that precision are the same distance.
      if (Math.fround(below) !== Math.fround(above)) {
        throw inputErrorAt(text, source, offsets[j * n + i], `entry (${j + 1}, ${i + 1}) is ${above} but entry (${i + 1}, ${j + 1}) is ${below}: a distance matrix is symmetric`);
      }
      distances[k++] = below;
    }
  }
  return { type: "lower", n, distances };
}

/** n such that the value count is n(n-1)/2, or an error that says which counts would fit. */
function triangularSize(scanned: ScannedText, text: string, source: string, shape: string): number {
  const count = scanned.values.length;
  if (count === 0) throw emptyInputError(source);
  const n = Math.round((1 + Math.sqrt(1 + 8 * count)) / 2);
  if ((n * (n - 1)) / 2 === count) return n;
  const below = Math.floor((1 + Math.sqrt(1 + 8 * count)) / 2);
  const fewer = (below * (below - 1)) / 2;
  const fits = `${fewer} ${fewer === 1 ? "value" : "values"} for ${below} points or ${((below + 1) * below) / 2} for ${below + 1}`;
  const square = Math.round(Math.sqrt(count));
  const hint = square * square === count && scanned.rowStarts.length === square ? `; it looks like a full ${square}×${square} matrix: read it as "distance"` : "";
  throw inputErrorAt(text, source, scanned.endOffset, `${count} values do not fill ${shape} distance matrix: n points take n(n-1)/2 values (${fits})${hint}`);
}

/**
 * Rows of 1, 2, 3, … values (at least three rows): a lower triangle written row by row, with
 * its diagonal when every row ends in 0.
 */
function triangleRows({ rowStarts, values }: ScannedText): "with-diagonal" | "without-diagonal" | undefined {
  if (rowStarts.length < 3) return undefined;
  let zeroEnds = true;
  for (let r = 0; r < rowStarts.length; r++) {
    const end = r + 1 < rowStarts.length ? rowStarts[r + 1] : values.length;
    if (end - rowStarts[r] !== r + 1) return undefined;
    if (values[end - 1] !== 0) zeroEnds = false;
  }
  return zeroEnds ? "with-diagonal" : "without-diagonal";
}

/** Row r holds d(r, 0) … d(r, r-1) and the diagonal's 0: drop the zeros. */
function lowerWithDiagonal(scanned: ScannedText, text: string, source: string): RipsInput {
  checkDistances(scanned.values, scanned, text, source);
  const n = scanned.rowStarts.length;
  const distances = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let r = 1; r < n; r++) {
    for (let c = 0; c < r; c++) distances[k++] = scanned.values[scanned.rowStarts[r] + c];
  }
  return { type: "lower", n, distances };
}

/** Distances are non-negative; -0 becomes 0 so that it prints as 0. */
function checkDistances(values: { [k: number]: number; length: number }, scanned: ScannedText, text: string, source: string): void {
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (value < 0) throw inputErrorAt(text, source, scanned.offsets[k], `negative distance ${value}`);
    if (value === 0) values[k] = 0;
  }
}

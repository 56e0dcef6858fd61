import { TdaInputError, type RipsInput } from "../types.ts";

/** DIPHA's magic number and its file type for a distance matrix. */
const DIPHA_MAGIC = 8067171840;
const DIPHA_DISTANCE_MATRIX = 7;
const DIPHA_HEADER_BYTES = 24;

/**
 * `dipha`: DIPHA's distance matrix file, little-endian: int64 magic 8067171840, int64 file
 * type 7, int64 n, then the n×n matrix as float64, row by row. Like a full text matrix it must
 * have a zero diagonal and be symmetric.
 */
export function parseDipha(bytes: Uint8Array, source: string): RipsInput {
  if (bytes.length === 0) throw new TdaInputError(`${source}: empty input: no bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < DIPHA_HEADER_BYTES) {
    throw byteError(source, bytes.length, `file ends inside the DIPHA header (${DIPHA_HEADER_BYTES} bytes: magic number, file type, size)`);
  }
  const magic = readInt64(view, 0);
  if (magic !== DIPHA_MAGIC) throw byteError(source, 0, `not a DIPHA file: the magic number is ${magic}, not ${DIPHA_MAGIC}`);
  const fileType = readInt64(view, 8);
  if (fileType !== DIPHA_DISTANCE_MATRIX) {
    throw byteError(source, 8, `DIPHA file type ${fileType} is not a distance matrix (type ${DIPHA_DISTANCE_MATRIX})`);
  }
  const n = readInt64(view, 16);
  const payload = bytes.length - DIPHA_HEADER_BYTES;
  if (!Number.isSafeInteger(n) || n < 1 || n * n * 8 !== payload) {
    const fits = Math.sqrt(payload / 8);
    const hint = Number.isInteger(fits) ? `; the ${payload} bytes after the header hold a ${fits}×${fits} matrix` : "";
    throw byteError(source, 16, `DIPHA matrix size ${n} does not fit the file: ${n}×${n} float64 entries take ${Number.isSafeInteger(n) && n > 0 ? n * n * 8 : "?"} bytes after the header, found ${payload}${hint}`);
  }
  const entryOffset = (i: number, j: number) => DIPHA_HEADER_BYTES + (i * n + j) * 8;
  const distances = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) checkEntry(view.getFloat64(entryOffset(i, j), true), entryOffset(i, j), source);
    const diagonal = view.getFloat64(entryOffset(i, i), true);
    if (diagonal !== 0) throw byteError(source, entryOffset(i, i), `diagonal entry (${i + 1}, ${i + 1}) is ${diagonal}, not 0`);
    for (let j = 0; j < i; j++) {
      const below = view.getFloat64(entryOffset(i, j), true);
      const above = view.getFloat64(entryOffset(j, i), true);
      if (Math.fround(below) !== Math.fround(above)) {
        throw byteError(source, entryOffset(j, i), `entry (${j + 1}, ${i + 1}) is ${above} but entry (${i + 1}, ${j + 1}) is ${below}: a distance matrix is symmetric`);
      }
      distances[k++] = below + 0;
    }
  }
  return { type: "lower", n, distances };
}

/**
 * `binary`: the lower triangle d(1,0), d(2,0), d(2,1), … as little-endian float32, nothing else.
 * (Debian's ripser 1.2.1 appends a spurious 0 after the last value it reads, so it only accepts
 * files one value short of a triangle; this reader takes the layout as documented.)
 */
export function parseBinaryLower(bytes: Uint8Array, source: string): RipsInput {
  if (bytes.length === 0) throw new TdaInputError(`${source}: empty input: no bytes`);
  if (bytes.length % 4 !== 0) {
    throw byteError(source, bytes.length - (bytes.length % 4), `${bytes.length} bytes is not a whole number of float32 values (4 bytes each)`);
  }
  const count = bytes.length / 4;
  const n = Math.round((1 + Math.sqrt(1 + 8 * count)) / 2);
  if ((n * (n - 1)) / 2 !== count) {
    const below = Math.floor((1 + Math.sqrt(1 + 8 * count)) / 2);
    throw byteError(source, bytes.length, `${count} float32 values do not fill a lower-triangular distance matrix: n points take n(n-1)/2 values (${(below * (below - 1)) / 2} for ${below} points or ${((below + 1) * below) / 2} for ${below + 1})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const distances = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const value = view.getFloat32(k * 4, true);
    checkEntry(value, k * 4, source);
    distances[k] = value + 0;
  }
  return { type: "lower", n, distances };
}

function checkEntry(value: number, offset: number, source: string): void {
  if (Number.isNaN(value)) throw byteError(source, offset, "NaN is not allowed");
  if (!Number.isFinite(value)) throw byteError(source, offset, `infinite value ${value} is not allowed`);
  if (!Number.isFinite(Math.fround(value))) throw byteError(source, offset, `${value} is too large for a 32-bit float`);
  if (value < 0) throw byteError(source, offset, `negative distance ${value}`);
}

/** An int64 as a number; values beyond 2^53 only need to be recognisably wrong. */
function readInt64(view: DataView, offset: number): number {
  return Number(view.getBigInt64(offset, true));
}

function byteError(source: string, offset: number, what: string): TdaInputError {
  return new TdaInputError(`${source}: byte ${offset}: ${what}`);
}

import type { RipsInput } from "../types.ts";
import { emptyInputError, endOfLine, inputErrorAt, scanText } from "./text-scanner.ts";

/** Indices go into 32-bit integer arrays in the engine. */
const MAX_INDEX = 2 ** 31 - 2;

/**
 * `sparse`: one pair per line, `i j d`: points i and j (0-based) are at distance d; pairs
 * not listed are infinitely far apart. The number of points is the largest index plus one.
 *
 * A pair listed twice with the same distance (both directions, say) counts once; twice with
 * different distances is an error (Ripser keeps both and computes a wrong barcode). A pair
 * `i i 0` is skipped, as Ripser skips it.
 */
export function parseSparse(text: string, source: string): RipsInput {
  const { values, offsets, rowStarts } = scanText(text, source);
  if (values.length === 0) throw emptyInputError(source);
  const is: number[] = [];
  const js: number[] = [];
  const ds: number[] = [];
  // Where each pair was first listed, to report a conflicting repeat.
  const seen = new Map<number | string, number>();
  let n = 0;
  for (let r = 0; r < rowStarts.length; r++) {
    const start = rowStarts[r];
    const count = (r + 1 < rowStarts.length ? rowStarts[r + 1] : values.length) - start;
    if (count > 3) throw inputErrorAt(text, source, offsets[start + 3], `expected three values "i j d" on a line, found ${count}`);
    if (count < 3) throw inputErrorAt(text, source, endOfLine(text, offsets[start + count - 1]), `expected three values "i j d" on a line, found ${count}`);
    const i = readIndex(values[start], offsets[start], text, source);
    const j = readIndex(values[start + 1], offsets[start + 1], text, source);
    const d = values[start + 2];
    if (d < 0) throw inputErrorAt(text, source, offsets[start + 2], `negative distance ${d}`);
    n = Math.max(n, i + 1, j + 1);
    if (i === j) {
      if (d !== 0) throw inputErrorAt(text, source, offsets[start + 2], `distance ${d} from point ${i} to itself: it must be 0`);
      continue;
    }
    const key = pairKey(Math.min(i, j), Math.max(i, j));
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      if (Math.fround(ds[earlier]) === Math.fround(d)) continue;
      throw inputErrorAt(text, source, offsets[start + 2], `points ${i} and ${j} are listed again with distance ${d}; the first time it was ${ds[earlier]}`);
    }
    seen.set(key, ds.length);
    is.push(i);
    js.push(j);
    ds.push(d + 0);
  }
  return { type: "sparse", n, i: Int32Array.from(is), j: Int32Array.from(js), d: Float64Array.from(ds) };
}

function readIndex(value: number, offset: number, text: string, source: string): number {
  if (!Number.isInteger(value)) throw inputErrorAt(text, source, offset, `point index ${value} is not an integer`);
  if (value < 0) throw inputErrorAt(text, source, offset, `point index ${value} is negative: points are numbered from 0`);
  if (value > MAX_INDEX) throw inputErrorAt(text, source, offset, `point index ${value} is too large (at most ${MAX_INDEX})`);
  return value;
}

/** A number while it stays exact (below 2^53), a string beyond. */
function pairKey(low: number, high: number): number | string {
  return high < 2 ** 22 ? high * 2 ** 31 + low : `${high},${low}`;
}

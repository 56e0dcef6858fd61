/**
 * Diagrams as key state carries them: per dimension one flat list of births and deaths
 * interleaved, `null` for an infinite death, so that state stays JSON. A key keeps a dozen
 * or more recent windows' diagrams; flat, they cost a checkpoint, a worker's message and the
 * state codec one array per dimension, where pairs as small arrays cost an object each.
 */
import { TdaInputError, type Diagrams, type Interval } from "../tda/types.ts";

/** By dimension: [birth, death, birth, death, …]. */
export type PackedDiagrams = Array<Array<number | null>>;

/**
 * Diagrams as a window kept in memory holds them (the detector's earlier windows): per
 * dimension one array of births and deaths interleaved, an infinite death as Infinity. A key
 * keeps a dozen or more such windows; as pairs they would cost an object per interval, each
 * living long enough to be copied by young-generation collections and marked by old ones.
 */
export type FlatDiagrams = number[][];

export function flattenDiagrams(diagrams: Diagrams): FlatDiagrams {
  const flat: FlatDiagrams = new Array(diagrams.length);
  for (let d = 0; d < diagrams.length; d++) {
    const intervals = diagrams[d];
    const values: number[] = new Array(2 * intervals.length);
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i];
      values[2 * i] = interval[0];
      values[2 * i + 1] = interval[1];
    }
    flat[d] = values;
  }
  return flat;
}

/**
 * Flat diagrams as intervals for a moment: the same pairs rewritten in place at each call, so
 * measuring a distance to an earlier window allocates nothing. What of() returns is valid
 * until its next call; nothing may keep it.
 */
export class FlatDiagramsView {
  private readonly pairs: Interval[][] = [];
  private readonly views: Diagrams = [];

  of(flat: FlatDiagrams): Diagrams {
    const views = this.views;
    views.length = flat.length;
    for (let d = 0; d < flat.length; d++) {
      const values = flat[d];
      const n = values.length / 2;
      const pairs = (this.pairs[d] ??= []);
      while (pairs.length < n) pairs.push([0.5, 0.5]);
      const view = (views[d] ??= []);
      view.length = n;
      for (let i = 0; i < n; i++) {
        const pair = pairs[i];
        pair[0] = values[2 * i];
        pair[1] = values[2 * i + 1];
        view[i] = pair;
      }
    }
    return views;
  }
}

export function packDiagrams(flat: FlatDiagrams): PackedDiagrams {
  return flat.map((values) => values.map((v) => (v === Infinity ? null : v)));
}

/** Packed diagrams are a list; diagram JSON (`{"0": [[b, d], …]}`) is an object. */
export function isPackedDiagrams(value: unknown): value is PackedDiagrams {
  return Array.isArray(value);
}

/** Throws TdaInputError naming `where`, the dimension and the interval when one is malformed. */
export function unpackDiagrams(packed: PackedDiagrams, where: string): Diagrams {
  return packed.map((pairs, dim) => {
    if (!Array.isArray(pairs) || pairs.length % 2 !== 0) throw new TdaInputError(`${where}: dimension ${dim} is not a list of births and deaths`);
    const intervals: Diagrams[number] = new Array(pairs.length / 2);
    for (let i = 0; i < intervals.length; i++) {
      const birth = pairs[2 * i];
      const death = pairs[2 * i + 1] ?? Infinity;
      if (typeof birth !== "number" || !Number.isFinite(birth) || typeof death !== "number" || !(death >= birth)) {
        throw new TdaInputError(`${where}: dimension ${dim}, interval ${i}: [${birth}, ${pairs[2 * i + 1]}] is not an interval`);
      }
      intervals[i] = [birth, death];
    }
    return intervals;
  });
}

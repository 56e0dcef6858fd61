/**
 * Diagrams as key state carries them: per dimension one flat list of births and deaths
 * interleaved, `null` for an infinite death, so that state stays JSON. A key keeps a dozen
 * or more recent windows' diagrams; flat, they cost a checkpoint, a worker's message and the
 * state codec one array per dimension, where pairs as small arrays cost an object each.
 */
import { TdaInputError, type Diagrams } from "../tda/types.ts";

/** By dimension: [birth, death, birth, death, …]. */
export type PackedDiagrams = Array<Array<number | null>>;

export function packDiagrams(diagrams: Diagrams): PackedDiagrams {
  return diagrams.map((intervals) => {
    const packed: Array<number | null> = new Array(2 * intervals.length);
    for (let i = 0; i < intervals.length; i++) {
      const [birth, death] = intervals[i];
      packed[2 * i] = birth;
      packed[2 * i + 1] = death === Infinity ? null : death;
    }
    return packed;
  });
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

import { IndexSet, PivotMap } from "./pivot-map.ts";
import { SimplexList } from "./simplex-list.ts";

/**
 * Column assembly shared between two threads. Assembling a dimension's columns (the
 * cofacets of the previous dimension's simplices, minus those cleared or apparent) is the
 * part of a large reduction that splits cleanly: simplices are cut into chunks, this thread
 * takes the even chunks and a helper the odd ones, and the columns are sorted afterwards,
 * so the result does not depend on who assembled what.
 */

/** Simplices per chunk when assembly is shared between threads. */
export const ASSEMBLY_CHUNK = 1 << 12;

/** What a helper thread needs to assemble its share of a dimension's columns. */
export interface AssemblyTask {
  dim: number;
  simplexIndices: Float64Array;
  simplexRanks: Int32Array;
  pivotKeys: Float64Array;
  apparentKeys: Float64Array | null;
  keepSimplices: boolean;
  recordApparent: boolean;
}

/** A helper's share: its columns, the simplices it kept and the apparent cofacets it found. */
export interface AssemblyShare {
  columnIndices: Float64Array;
  columnRanks: Int32Array;
  nextIndices: Float64Array;
  nextRanks: Int32Array;
  apparent: Float64Array;
}

/**
 * Assembles every other chunk of simplices on another thread (the odd chunks). The engine
 * defines the shape; a platform with threads provides it (see `RipsOptions.helper`).
 */
export interface AssemblyHelper {
  begin(task: AssemblyTask): void;
  /** The helper's share, or null if it could not do it (the caller then does it). */
  end(): AssemblyShare | null;
  close(): void;
}

/** One share as assembled in place: columns, simplices kept for the next dimension, apparent cofacets (indices). */
export interface AssembledShare {
  columns: SimplexList;
  next: SimplexList;
  apparent: SimplexList;
}

/** What assembles the chunks of one parity (-1: all of them): the reducer, on either thread. */
export interface ShareAssembler {
  assembleShare(
    dim: number,
    simplices: SimplexList,
    parity: number,
    pivots: PivotMap,
    apparent: IndexSet | null,
    keepSimplices: boolean,
    recordApparent: boolean,
  ): AssembledShare;
}

/** Runs a helper's share of a task: the odd chunks. */
export function assembleOddChunks(assembler: ShareAssembler, task: AssemblyTask): AssemblyShare {
  const simplices = SimplexList.of(task.simplexIndices, task.simplexRanks);
  const pivots = PivotMap.withKeys(task.pivotKeys);
  const apparent = task.apparentKeys ? IndexSet.withKeys(task.apparentKeys) : null;
  const share = assembler.assembleShare(task.dim, simplices, 1, pivots, apparent, task.keepSimplices, task.recordApparent);
  return {
    columnIndices: share.columns.indices.slice(0, share.columns.size),
    columnRanks: share.columns.ranks.slice(0, share.columns.size),
    nextIndices: share.next.indices.slice(0, share.next.size),
    nextRanks: share.next.ranks.slice(0, share.next.size),
    apparent: share.apparent.indices.slice(0, share.apparent.size),
  };
}

/**
 * Assembles all of `simplices`' share: alone when they are few or there is no helper,
 * else the even chunks here while the helper does the odd ones (or here after all, when
 * it cannot), merged. Columns come back unsorted.
 */
export function assembleWithHelper(
  assembler: ShareAssembler,
  helper: AssemblyHelper | undefined,
  dim: number,
  simplices: SimplexList,
  pivots: PivotMap,
  apparent: IndexSet | null,
  keepSimplices: boolean,
  recordApparent: boolean,
): AssembledShare {
  if (!helper || simplices.size < 4 * ASSEMBLY_CHUNK) return assembler.assembleShare(dim, simplices, -1, pivots, apparent, keepSimplices, recordApparent);
  const task: AssemblyTask = {
    dim,
    simplexIndices: simplices.indices.subarray(0, simplices.size),
    simplexRanks: simplices.ranks.subarray(0, simplices.size),
    pivotKeys: pivots.keys,
    apparentKeys: apparent ? apparent.keys : null,
    keepSimplices,
    recordApparent,
  };
  helper.begin(task);
  const share = assembler.assembleShare(dim, simplices, 0, pivots, apparent, keepSimplices, recordApparent);
  const other = helper.end() ?? assembleOddChunks(assembler, task);
  share.columns.append(other.columnIndices, other.columnRanks);
  share.next.append(other.nextIndices, other.nextRanks);
  for (let k = 0; k < other.apparent.length; k++) share.apparent.push(other.apparent[k], 0);
  return share;
}

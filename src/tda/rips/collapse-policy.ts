import type { RipsInput } from "../types.ts";

/**
 * Whether `ripsPersistence` collapses edges when the caller does not say. The barcodes are
 * the same either way; this is about time, and follows what was measured (docs/engine.md,
 * Edge collapse): from H2 up the collapse takes away most of the triangles and paid on every
 * input tried (0.07 to 0.97 of the time without it); to H1 it paid on point clouds in the
 * plane and in space (0.15 to 1.0), and lost where the points spread over more dimensions
 * (1.5× on 200 random points in R^10) or came as distances (8× on Ripser's sphere_3_192).
 * Cocycles live on the full complex: never with them.
 *
 * Where it is tried by default, it still gives up when its first 1/64 of the edges cost more
 * than COLLAPSE_GIVE_UP_TESTS_PER_EDGE domination tests each (edge-collapse.ts): measured,
 * the collapse paid at up to about 10 tests an edge (a noisy circle 5–10, random clouds in
 * space 2–7) and cost more than it saved at 160 (sphere_3_192, 1% of its edges removed).
 */
export function collapseByDefault(input: RipsInput, maxDim: number, cocycles: boolean): boolean {
  if (cocycles || maxDim < 1) return false;
  if (maxDim >= 2) return true;
  const dimension = Array.isArray(input) ? (input[0]?.length ?? 0) : input.type === "points" ? input.dimension : Infinity;
  return dimension <= MAX_COLLAPSED_H1_DIMENSION;
}

export const COLLAPSE_GIVE_UP_TESTS_PER_EDGE = 64;

/** The largest point dimension for which H1 is computed on the collapsed complex by default. */
const MAX_COLLAPSED_H1_DIMENSION = 3;

import type { Diagrams } from "../../src/tda/index.ts";

/** What the playground asks its worker. */
export type PlaygroundRequest =
  | { id: number; type: "persistence"; format: string; text: string; maxDim: number; threshold?: number }
  | { id: number; type: "distance"; a: Diagrams; b: Diagrams };

export interface PersistenceAnswer {
  diagrams: Diagrams;
  threshold: number;
  points: number;
  /** Milliseconds spent reading the input and computing persistence, in the worker. */
  parseMs: number;
  computeMs: number;
}

export interface DistanceAnswer {
  /** Per homology dimension present in either diagram. */
  bottleneck: number[];
  wasserstein: number[];
}

export type PlaygroundAnswer =
  | { id: number; ok: true; persistence: PersistenceAnswer }
  | { id: number; ok: true; distance: DistanceAnswer }
  | { id: number; ok: false; error: string };

// The library: everything here runs in Node and in browsers (no Node API). Areas of it are
// also entries of their own (package.json "exports"): rips, distance, vectorize, embedding,
// plot, formats, types.
export {
  ripsPersistence,
  persistenceAboveZero,
  MAX_DIM,
  Workspace,
  maxminLandmarks,
  type RipsOptions,
  type Landmarks,
  type MaxminOptions,
  type PointsInput,
} from "./rips.ts";
export * from "./formats.ts";
export * from "./distance/index.ts";
export * from "./vectorize/index.ts";
export * from "./embedding/index.ts";
export * from "./plot/index.ts";
export * from "./types.ts";
export { seededRandom } from "./seeded-random.ts";
export { principalProjection } from "./projection.ts";

// The vectorizations of persistence diagrams: the package entry `streaming-tda/vectorize`.
export { type Grid, gridValues, gridStep, checkGrid } from "./grid.ts";
export { type EssentialOptions, countEssential } from "./essential.ts";
export { bettiCurve } from "./betti-curve.ts";
export { persistenceLandscape, landscapeNorm, sampledNorm } from "./landscape.ts";
export { silhouette } from "./silhouette.ts";
export {
  persistenceImage,
  constantWeight,
  linearRampWeight,
  type PersistenceWeight,
  type PersistenceImageOptions,
} from "./persistence-image.ts";
export { heatKernel } from "./heat-kernel.ts";
export { persistenceEntropy, type EntropyNormalization, type EntropyOptions } from "./entropy.ts";
export { totalPersistence, numberOfPoints, type PointCount } from "./summaries.ts";
export {
  amplitude,
  amplitudeMetrics,
  defaultPersistenceGrid,
  type AmplitudeMetric,
  type AmplitudeOptions,
} from "./amplitude.ts";
export { diagramFeatures, dimensionFeatures, type FeatureOptions, type DimensionFeatures } from "./features.ts";

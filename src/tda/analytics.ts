// Public surface of the vectorizations, embeddings, landmarks and plots, for the package index.
export { type Grid, gridValues, gridStep, checkGrid } from "./vectorize/grid.ts";
export { type EssentialOptions, countEssential } from "./vectorize/essential.ts";
export { bettiCurve } from "./vectorize/betti-curve.ts";
export { persistenceLandscape, landscapeNorm, sampledNorm } from "./vectorize/landscape.ts";
export { silhouette } from "./vectorize/silhouette.ts";
export {
  persistenceImage,
  constantWeight,
  linearRampWeight,
  type PersistenceWeight,
  type PersistenceImageOptions,
} from "./vectorize/persistence-image.ts";
export { heatKernel } from "./vectorize/heat-kernel.ts";
export { persistenceEntropy, type EntropyNormalization, type EntropyOptions } from "./vectorize/entropy.ts";
export { totalPersistence, numberOfPoints, type PointCount } from "./vectorize/summaries.ts";
export {
  amplitude,
  amplitudeMetrics,
  defaultPersistenceGrid,
  type AmplitudeMetric,
  type AmplitudeOptions,
} from "./vectorize/amplitude.ts";
export { diagramFeatures, dimensionFeatures, type FeatureOptions, type DimensionFeatures } from "./vectorize/features.ts";
export {
  takensEmbedding,
  embeddedCount,
  embeddingSpan,
  type TakensParameters,
  type PointCloud,
} from "./embedding/takens.ts";
export { delayedMutualInformation, chooseDelay, defaultBins, type DelayChoice, type Skipped } from "./embedding/mutual-information.ts";
export {
  falseNeighbourShare,
  chooseDimension,
  type DimensionChoice,
  type FalseNeighbourOptions,
} from "./embedding/false-nearest-neighbours.ts";
export { chooseEmbedding, type AutoEmbedding, type AutoEmbeddingOptions } from "./embedding/auto.ts";
export { maxminLandmarks, type Landmarks, type MaxminOptions, type PointsInput } from "./landmarks.ts";
export { plotDiagram, type DiagramPlotOptions } from "./plot/diagram.ts";
export { plotBarcode, type BarcodePlotOptions } from "./plot/barcode.ts";
export { plotBettiCurves, plotLandscape, type BettiPlotOptions, type LandscapePlotOptions } from "./plot/curves.ts";

// Time-delay embeddings of scalar series: the package entry `streaming-tda/embedding`.
export {
  takensEmbedding,
  embeddedCount,
  embeddingSpan,
  type TakensParameters,
  type PointCloud,
} from "./takens.ts";
export { delayedMutualInformation, chooseDelay, defaultBins, type DelayChoice, type Skipped } from "./mutual-information.ts";
export {
  falseNeighbourShare,
  chooseDimension,
  type DimensionChoice,
  type FalseNeighbourOptions,
} from "./false-nearest-neighbours.ts";
export { chooseEmbedding, type AutoEmbedding, type AutoEmbeddingOptions } from "./auto.ts";
export { checkSeries } from "./series.ts";

import type { Diagrams, Interval } from "../types.ts";
import { amplitude, defaultPersistenceGrid, type AmplitudeMetric } from "./amplitude.ts";
import { bettiCurve } from "./betti-curve.ts";
import { persistenceEntropy, type EntropyNormalization } from "./entropy.ts";
import type { EssentialOptions } from "./essential.ts";
import { checkGrid, gridStep, type Grid } from "./grid.ts";
import { heatKernel } from "./heat-kernel.ts";
import { landscapeNorm, persistenceLandscape, sampledNorm } from "./landscape.ts";
import { persistenceImage, type PersistenceWeight } from "./persistence-image.ts";
import { silhouette } from "./silhouette.ts";
import { numberOfPoints, totalPersistence } from "./summaries.ts";

export interface FeatureOptions extends EssentialOptions {
  /** Filtration axis of curves and of the heat kernel and the birth axis of images. */
  grid: Grid;
  /** Landscape layers (default 3). */
  layers?: number;
  /** Silhouette power (default 1). */
  power?: number;
  /** Gaussian standard deviation of the heat kernel and persistence image (default 0.1). */
  sigma?: number;
  /** Grid of both image axes' filtration side; default `grid` with at most 20 points, so images stay small. */
  imageGrid?: Grid;
  /** Persistence axis of the persistence image; default from 0 to the width of `imageGrid`. */
  persistenceGrid?: Grid;
  weight?: PersistenceWeight;
  /** Order of the amplitudes' norms (default 2). */
  p?: number;
  entropy?: EntropyNormalization;
  /** Homology dimensions to describe; default all in the diagram. */
  dimensions?: number[];
}

export interface DimensionFeatures {
  dimension: number;
  points: number;
  essential: number;
  totalPersistence: number;
  entropy: number;
  amplitudes: Record<AmplitudeMetric, number>;
  bettiCurve: number[];
  landscape: { layers: number[][]; l1: number; l2: number };
  silhouette: number[];
  /** Rows: persistence; columns: birth. */
  persistenceImage: number[][];
  /** Rows: death; columns: birth. */
  heatKernel: number[][];
}

/** Every vectorization of every requested dimension, as plain arrays (for JSON and the CLI). */
export function diagramFeatures(diagrams: Diagrams, options: FeatureOptions): DimensionFeatures[] {
  checkGrid(options.grid);
  const dims = options.dimensions ?? diagrams.map((_, k) => k);
  return dims.map((dim) => dimensionFeatures(diagrams[dim] ?? [], dim, options));
}

export function dimensionFeatures(intervals: readonly Interval[], dimension: number, options: FeatureOptions): DimensionFeatures {
  const { grid } = options;
  const layers = options.layers ?? 3;
  const sigma = options.sigma ?? 0.1;
  const imageGrid = options.imageGrid ?? { ...grid, n: Math.min(grid.n, 20) };
  const persistenceGrid = options.persistenceGrid ?? defaultPersistenceGrid(imageGrid);
  const essentialOptions = { infinity: options.infinity };
  const count = numberOfPoints(intervals);
  const p = options.p ?? 2;
  const step = gridStep(grid);
  const imageStep = gridStep(imageGrid);
  // Each curve and image is computed once; its amplitude is its sampled norm (amplitude.ts).
  const betti = bettiCurve(intervals, grid, essentialOptions);
  const landscape = persistenceLandscape(intervals, grid, layers, essentialOptions);
  const silhouetteCurve = silhouette(intervals, grid, options.power ?? 1, essentialOptions);
  const image = persistenceImage(intervals, imageGrid, persistenceGrid, sigma, { ...essentialOptions, weight: options.weight });
  const heat = heatKernel(intervals, imageGrid, sigma, essentialOptions);
  const amplitudes: Record<AmplitudeMetric, number> = {
    bottleneck: amplitude(intervals, "bottleneck", essentialOptions),
    wasserstein: amplitude(intervals, "wasserstein", { ...essentialOptions, p }),
    betti: sampledNorm(betti, betti.length, step, p),
    landscape: landscapeNorm(landscape, grid, layers, p),
    silhouette: sampledNorm(silhouetteCurve, silhouetteCurve.length, step, p),
    heat: sampledNorm(heat, heat.length, imageStep * imageStep, p),
    "persistence-image": sampledNorm(image, image.length, imageStep * gridStep(persistenceGrid), p),
  };
  return {
    dimension,
    points: count.points,
    essential: count.essential,
    totalPersistence: totalPersistence(intervals, 1, essentialOptions),
    entropy: persistenceEntropy(intervals, { ...essentialOptions, normalize: options.entropy }),
    amplitudes,
    bettiCurve: Array.from(betti),
    landscape: {
      layers: rows(landscape, layers, grid.n),
      l1: landscapeNorm(landscape, grid, layers, 1),
      l2: landscapeNorm(landscape, grid, layers, 2),
    },
    silhouette: Array.from(silhouetteCurve),
    persistenceImage: rows(image, persistenceGrid.n, imageGrid.n),
    heatKernel: rows(heat, imageGrid.n, imageGrid.n),
  };
}

function rows(values: Float64Array, count: number, width: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < count; r++) out.push(Array.from(values.subarray(r * width, (r + 1) * width)));
  return out;
}

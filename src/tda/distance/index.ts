/**
 * Distances between persistence diagrams, one homology dimension at a time: exact
 * bottleneck, exact Wasserstein W_{p,q}, and sliced Wasserstein. All follow one rule for
 * essential classes (death = Infinity): different counts give Infinity, equal counts are
 * matched in birth order. See docs/diagram-distances.md.
 */
import type { Diagrams } from "../types.ts";
import { TdaInputError } from "../types.ts";
import { bottleneckMatching } from "./bottleneck.ts";
import type { DistanceWithMatching } from "./prepare.ts";
import { DEFAULT_DIRECTIONS, slicedWassersteinDistance } from "./sliced.ts";
import { wassersteinMatching } from "./wasserstein.ts";

export { bottleneckDistance, bottleneckMatching } from "./bottleneck.ts";
export { wassersteinDistance, wassersteinMatching, type WassersteinOptions } from "./wasserstein.ts";
export { slicedWassersteinDistance, DEFAULT_DIRECTIONS } from "./sliced.ts";
export { sortedMatchingBound } from "./bottleneck-line.ts";
export { sortedLineBottleneck } from "./bottleneck-line-search.ts";
export type { DistanceWithMatching, MatchedPair } from "./prepare.ts";

export type DiagramMetric = "bottleneck" | "wasserstein" | "sliced";

export interface DiagramDistanceOptions {
  metric: DiagramMetric;
  /** Homology dimension compared; a dimension missing from a diagram counts as empty. */
  dim: number;
  /** Wasserstein order p (default 1). */
  order?: number;
  /** Wasserstein internal norm q (default Infinity). */
  internalP?: number;
  /** Sliced Wasserstein directions (default 50). */
  directions?: number;
}

/**
 * The distance between dimension `dim` of two diagrams, with a matching for bottleneck and
 * Wasserstein (sliced Wasserstein has none: its matchings differ per direction).
 */
export function diagramDistance(
  a: Diagrams,
  b: Diagrams,
  options: DiagramDistanceOptions,
): DistanceWithMatching | { distance: number; matching?: undefined } {
  const { metric, dim } = options;
  if (!Number.isInteger(dim) || dim < 0) throw new TdaInputError(`dimension ${String(dim)} must be a non-negative integer`);
  const first = a[dim] ?? [];
  const second = b[dim] ?? [];
  switch (metric) {
    case "bottleneck":
      return bottleneckMatching(first, second);
    case "wasserstein":
      return wassersteinMatching(first, second, { order: options.order, internalP: options.internalP });
    case "sliced":
      return { distance: slicedWassersteinDistance(first, second, options.directions ?? DEFAULT_DIRECTIONS) };
    default:
      throw new TdaInputError(`unknown metric "${String(metric)}": use bottleneck, wasserstein or sliced`);
  }
}

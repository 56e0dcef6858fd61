/**
 * The configured per-window features, by dimension, named `h<dim>.<feature>`. The definitions
 * are tda/vectorize's (see FeatureName in types.ts).
 */
import { persistenceEntropy, numberOfPoints, totalPersistence } from "../tda/vectorize/index.ts";
import type { Diagrams } from "../tda/types.ts";
import type { FeatureName } from "./types.ts";

export function windowFeatures(diagrams: Diagrams, names: readonly FeatureName[]): Record<string, number> {
  const features: Record<string, number> = {};
  for (let dim = 0; dim < diagrams.length; dim++) {
    const intervals = diagrams[dim];
    for (const name of names) {
      switch (name) {
        case "count":
          features[`h${dim}.count`] = numberOfPoints(intervals).points;
          break;
        case "total_persistence":
          features[`h${dim}.total_persistence`] = totalPersistence(intervals);
          break;
        case "entropy":
          features[`h${dim}.entropy`] = persistenceEntropy(intervals);
          break;
      }
    }
  }
  return features;
}

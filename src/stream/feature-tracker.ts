/**
 * Feature tracking: gives the significant intervals of a window ids that persist from window
 * to window, and reports births, deaths and notable changes.
 *
 * Significant: in a tracked dimension, with persistence at least `minRelativePersistence`
 * times the window's threshold (essential classes always). Each window's significant
 * intervals are matched to the tracked features of the previous window greedily, closest
 * pair first, by L∞ distance in the (birth, death) plane; a pair matches only when that
 * distance is at most half the larger persistence of the two, i.e. the feature moved less
 * than it is tall. A matched feature keeps its id; an unmatched tracked feature dies; an
 * unmatched interval is born with a new id `key|scale|h<dim>#<n>`. A matched feature whose
 * persistence moved by more than `updateRelativeChange` of what it last reported emits
 * `feature_update`.
 */
import type { ResolvedConfig } from "./config.ts";
import type { Diagrams } from "../tda/types.ts";
import type { FeatureEvent, FeatureEventType, OutputRecord } from "./types.ts";

/** A tracked feature in memory (TrackedFeature with Infinity for an essential death). */
export interface TrackedFeature {
  id: string;
  dim: number;
  birth: number;
  death: number;
  lastReported: number;
}

export interface TrackingState {
  features: TrackedFeature[];
  nextFeature: number;
}

export interface WindowContext {
  key: string;
  scale: string;
  windowId: string;
  /** What follows `key|scale|` in the window id: the last seq (and for time windows `@start`). */
  windowTag: string;
  lastSeq: number;
  time: number;
  threshold: number;
}

export function trackFeatures(state: TrackingState, diagrams: Diagrams, context: WindowContext, config: ResolvedConfig["tracking"], out: OutputRecord[]): void {
  const minPersistence = config.minRelativePersistence * context.threshold;
  const next: TrackedFeature[] = [];
  const deaths: TrackedFeature[] = [];
  const births: TrackedFeature[] = [];
  const updates: TrackedFeature[] = [];
  for (const dim of config.dims) {
    const intervals = diagrams[dim] ?? [];
    const candidates: number[] = [];
    for (let m = 0; m < intervals.length; m++) {
      const [b, d] = intervals[m];
      if (d - b >= minPersistence && d > b) candidates.push(m);
    }
    const tracked = state.features.filter((f) => f.dim === dim);
    const pairs: Array<[distance: number, t: number, c: number]> = [];
    for (let t = 0; t < tracked.length; t++) {
      for (let c = 0; c < candidates.length; c++) {
        const [b, d] = intervals[candidates[c]];
        const distance = matchDistance(tracked[t].birth, tracked[t].death, b, d);
        if (distance <= 0.5 * Math.max(persistenceOf(tracked[t].birth, tracked[t].death, context.threshold), persistenceOf(b, d, context.threshold))) {
          pairs.push([distance, t, c]);
        }
      }
    }
    pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
    const trackedMatched = new Uint8Array(tracked.length);
    const candidateMatched = new Uint8Array(candidates.length);
    for (const [, t, c] of pairs) {
      if (trackedMatched[t] === 1 || candidateMatched[c] === 1) continue;
      trackedMatched[t] = 1;
      candidateMatched[c] = 1;
      const [b, d] = intervals[candidates[c]];
      const feature: TrackedFeature = { ...tracked[t], birth: b, death: d };
      const persistence = d - b;
      if (Number.isFinite(persistence) && Math.abs(persistence - feature.lastReported) > config.updateRelativeChange * feature.lastReported) {
        feature.lastReported = persistence;
        updates.push(feature);
      }
      next.push(feature);
    }
    for (let t = 0; t < tracked.length; t++) if (trackedMatched[t] === 0) deaths.push(tracked[t]);
    for (let c = 0; c < candidates.length; c++) {
      if (candidateMatched[c] === 1) continue;
      const [b, d] = intervals[candidates[c]];
      const feature: TrackedFeature = {
        id: `${context.key}|${context.scale}|h${dim}#${state.nextFeature++}`,
        dim,
        birth: b,
        death: d,
        lastReported: d - b,
      };
      births.push(feature);
      next.push(feature);
    }
  }
  for (const feature of deaths) out.push(featureEvent("feature_death", feature, context));
  for (const feature of updates) out.push(featureEvent("feature_update", feature, context));
  for (const feature of births) out.push(featureEvent("feature_birth", feature, context));
  state.features = next;
}

function persistenceOf(birth: number, death: number, threshold: number): number {
  return death === Infinity ? Math.max(threshold - birth, 0) : death - birth;
}

/** L∞ distance in the (birth, death) plane; an essential class matches only an essential class. */
function matchDistance(b1: number, d1: number, b2: number, d2: number): number {
  if ((d1 === Infinity) !== (d2 === Infinity)) return Infinity;
  if (d1 === Infinity) return Math.abs(b1 - b2);
  return Math.max(Math.abs(b1 - b2), Math.abs(d1 - d2));
}

function featureEvent(type: FeatureEventType, feature: TrackedFeature, context: WindowContext): FeatureEvent {
  return {
    type,
    id: `${feature.id}|${context.windowTag}`,
    featureId: feature.id,
    key: context.key,
    scale: context.scale,
    windowId: context.windowId,
    lastSeq: context.lastSeq,
    time: context.time,
    dim: feature.dim,
    birth: feature.birth,
    death: Number.isFinite(feature.death) ? feature.death : null,
  };
}

/**
 * Public types of the stream layer: configuration, input records, output records and the
 * serializable state. Everything here is plain JSON-able data, so the service can put a
 * config in YAML, write outputs as JSON lines and checkpoint state in any store.
 */
import type { DiagramsJson } from "../tda/formats.ts";
import type { PackedDiagrams } from "./packed-diagrams.ts";

// ---------------------------------------------------------------- configuration

/** A count window: the last `size` points of a key, emitted every `slide` new points. */
export interface CountScale {
  /** Name used in results (`scale` field) and ids; default `"<size>/<slide>"`, e.g. "128/8". */
  name?: string;
  size: number;
  slide: number;
}

/**
 * A time window over event time: windows [k·slideMs, k·slideMs + durationMs) aligned to the
 * epoch, each emitted once the key's watermark passes its end (and it holds at least one point).
 */
export interface TimeScale {
  /** Name used in results and ids; default `"<durationMs>ms/<slideMs>ms"`, e.g. "1000ms/100ms". */
  name?: string;
  durationMs: number;
  slideMs: number;
}

export type ScaleConfig = CountScale | TimeScale;

/** Time-delay (Takens) embedding that turns a scalar stream into points of `dimension` coordinates. */
export interface EmbeddingConfig {
  dimension: number;
  /** In samples: point t is (x[t], x[t-delay], …, x[t-(dimension-1)·delay]). */
  delay: number;
}

/** Limits an event must meet; failing ones become dead letters. */
export interface ValidationLimits {
  /** Smallest allowed coordinate (default -1e9). */
  minValue?: number;
  /** Largest allowed coordinate (default 1e9). */
  maxValue?: number;
  /** Most coordinates a vector event may have (default 64). */
  maxDimension?: number;
  /** Longest key, in UTF-16 code units (default 256). */
  maxKeyLength?: number;
  /** Longest raw input line, in characters (default 65536). An already-parsed value is bounded by maxDimension and maxKeyLength instead (and by the HTTP body limit). */
  maxRawLength?: number;
}

/**
 * The change detector (see src/stream/detector.ts and docs/stream.md). Each window's diagram
 * is compared with a reference window of the same key and scale that shares no point with
 * it; the smallest of the last window length of those distances (a change lasts, a
 * sampling accident does not) is scored against the key's own history of them, in robust
 * standard deviations (median and MAD).
 */
export interface DetectorConfig {
  /** Scores of a key and scale collected before any flag is raised (default 30). */
  warmup?: number;
  /** Flag when the score exceeds this (default 8 robust standard deviations). */
  threshold?: number;
  /** Number of past lasting distances the median and MAD are taken over (default 256). */
  history?: number;
  /** How many recent reference distances the lasting distance is the minimum of (default: one window length, in slides). */
  span?: number;
  /** Smallest robust spread, as a fraction of the median distance (default 0.5): the lasting distance is right-skewed, and MAD alone underestimates its upper tail. */
  minRelativeSpread?: number;
}

/** Per-window features; each is computed for every homology dimension 0..maxDim. */
export type FeatureName =
  | "count" // intervals with death > birth, essential ones included (tda/vectorize numberOfPoints)
  | "total_persistence" // sum of death - birth over finite intervals (tda/vectorize totalPersistence, p = 1)
  | "entropy"; // persistence entropy in bits, not normalised, essential classes left out (tda/vectorize persistenceEntropy; -1 when undefined)

/** Feature tracking: which features get ids and birth/death/update events. */
export interface TrackingConfig {
  /** Homology dimensions tracked (default [1]; H0 features are merges and would flood the output). */
  dims?: number[];
  /** Smallest persistence tracked, as a fraction of the window's threshold (default 0.1). */
  minRelativePersistence?: number;
  /** A matched feature emits `feature_update` when its persistence moved by more than this fraction since its last event (default 0.25). */
  updateRelativeChange?: number;
}

export type LatePolicy = "dead-letter" | "drop";

export interface StreamConfig {
  /** One or more window scales, computed side by side on every key. */
  scales: ScaleConfig[];
  /** Set for scalar streams; vector events are rejected then (and scalar ones without it). */
  embedding?: EmbeddingConfig | null;
  /** Highest homology dimension (default 1). */
  maxDim?: number;
  /** Largest simplex diameter; default (absent) the enclosing radius of each window, as Ripser's, which gives exact diagrams. */
  threshold?: number;
  /** Prime modulus of the coefficient field (default 2). */
  modulus?: number;
  /** Windows with more points are reduced to this many maxmin landmarks before computing (default 256). */
  maxPointsPerWindow?: number;
  /** Time windows hold at most this many raw points; beyond it the window keeps every other point (default 4096). */
  maxRawPointsPerWindow?: number;
  /** Live keys kept in memory; beyond it the least recently used are evicted (default 10000). */
  maxKeys?: number;
  /** How far behind a key's largest event time an event may arrive and still be placed in order (default 0). */
  allowedLatenessMs?: number;
  /** What happens to events later than that: a `late` dead letter, or dropped and counted (default "dead-letter"). */
  latePolicy?: LatePolicy;
  limits?: ValidationLimits;
  detector?: DetectorConfig;
  /** Features computed per window (default all of FeatureName). */
  features?: FeatureName[];
  /**
   * Window results carry their points projected on the first two principal components
   * (`projection`), for the live page's picture of a window (default false: it adds about
   * 12 bytes per point to every stored result).
   */
  projection?: boolean;
  tracking?: TrackingConfig;
}

// ---------------------------------------------------------------- input

/**
 * Where a raw input came from (a file and line, a request, a log partition and offset), as
 * its source describes it: plain JSON with a `kind`. The stream layer does not read it; it
 * carries it into the dead letter, so that a bad input can be found where it came from.
 */
export type RecordOrigin = { readonly kind: string; readonly [field: string]: string | number | undefined };

export interface RawRecord {
  /**
   * A JSON line (`{"key": "s-1", "ts": 1732730000123, "value": [0.1, 2.3, -1]}`), a CSV line
   * (`key,ts,v1,v2,…`; one value is a scalar), or an already-parsed JSON value such as one
   * element of an HTTP JSON array.
   */
  raw: unknown;
  source: RecordOrigin;
  /** How a string `raw` is read; "auto" (default): JSON when its first non-blank character is `{`, CSV otherwise. */
  format?: "json" | "csv" | "auto";
}

// ---------------------------------------------------------------- output

/**
 * One computed window. `id` is `key|scale|lastSeq` for count windows and
 * `key|scale|lastSeq@start` for time windows (two overlapping time windows can end on the
 * same event); the same every time this window is produced.
 */
export interface WindowResult {
  type: "window";
  id: string;
  key: string;
  scale: string;
  /** Count windows: event times of the first and last point. Time windows: the bounds [start, end). */
  start: number;
  end: number;
  /**
   * Per-key sequence numbers (event-time order, from 0) of the first and last point in the
   * window. With an embedding, a point carries the number of its newest sample.
   */
  firstSeq: number;
  lastSeq: number;
  /** Points in the window, and points the diagrams were computed on (fewer when landmarks were taken). */
  points: number;
  computedPoints: number;
  /** The threshold used: the configured one or the window's enclosing radius. */
  threshold: number;
  diagrams: DiagramsJson;
  /** `h<dim>.<feature>`, e.g. `h1.max_persistence`. */
  features: Record<string, number>;
  /** Bottleneck distance to the previous window of the same key and scale; null for the first window. Infinity (JSON null) when essential classes differ. */
  distance: number | null;
  /** Bottleneck distance to the reference window (the latest one sharing no point with this one); null until there is one. */
  referenceDistance: number | null;
  /**
   * Robust z-score of the lasting reference distance against the key's history; null while
   * warming up. Infinity (JSON null, with anomaly true) when the distance is infinite.
   */
  score: number | null;
  anomaly: boolean;
  /** With `projection` on: the window's points on their first two principal components, x0, y0, x1, y1, … (rounded to 4 significant digits). */
  projection?: number[];
}

export type FeatureEventType = "feature_birth" | "feature_death" | "feature_update";

/** A tracked feature appeared, disappeared or changed. `featureId` stays the same while the feature is matched from window to window. */
export interface FeatureEvent {
  type: FeatureEventType;
  /** `featureId|lastSeq` (time windows: `featureId|lastSeq@start`): deterministic, like window ids. */
  id: string;
  featureId: string;
  key: string;
  scale: string;
  /** The window in which this was seen (for a death: the first window without the feature). */
  windowId: string;
  lastSeq: number;
  /** Event time of that window's last point. */
  time: number;
  dim: number;
  /** The interval in that window (for a death: the last interval it had). */
  birth: number;
  death: number | null;
}

export type DeadLetterReason =
  | "parse_error" // not JSON / not CSV
  | "missing_field" // no key, ts or value
  | "bad_type" // a field of the wrong type (key not a string, ts not a number, value not a number or list of numbers)
  | "not_finite" // NaN or ±Infinity in ts or value
  | "dimension_mismatch" // value has another dimension than this key's earlier events, or vector/scalar against the embedding setting
  | "out_of_range" // a coordinate outside [minValue, maxValue], or a negative / non-integer-millisecond-safe ts
  | "too_large" // raw input longer than maxRawLength, or more coordinates than maxDimension
  | "key_too_long"
  | "late"; // behind the key's watermark (latePolicy "dead-letter")

export interface DeadLetter {
  type: "dead_letter";
  reason: DeadLetterReason;
  /** What exactly was wrong, for a human. */
  detail: string;
  /** The input as received (a string is cut to maxRawLength characters). */
  raw: unknown;
  source: RecordOrigin;
  /** The key, when the input got far enough to have one. */
  key?: string;
}

export type OutputRecord = WindowResult | FeatureEvent | DeadLetter;

/**
 * Counts since the processor (or the state it was restored from) started.
 * Always: received = processed + deadLettered + dropped + buffered.
 */
export interface StreamCounts {
  received: number;
  /** Events placed into their key's windows (or embedding history). */
  processed: number;
  deadLettered: number;
  /** Late events under latePolicy "drop". */
  dropped: number;
  /** Events held in a key's reorder buffer until the watermark passes them (only with allowedLatenessMs > 0). */
  buffered: number;
  /** Late events, whichever policy (also included in deadLettered or dropped). */
  late: number;
  windows: number;
  anomalies: number;
  /** Dead letters by reason. */
  deadLetteredByReason: Partial<Record<DeadLetterReason, number>>;
}

// ---------------------------------------------------------------- state

/** A tracked feature, as kept in state. */
export interface TrackedFeatureState {
  id: string;
  dim: number;
  birth: number;
  /** null for an essential class. */
  death: number | null;
  /** Persistence when it last emitted an event, for the update rule. */
  lastReported: number;
}

/**
 * One scale's window of one key. The distance matrix and sorted edges are not kept: they
 * are rebuilt from the points when the key is restored.
 */
export interface ScaleState {
  /** The raw points the next window is made of, oldest first: sequence numbers, event times, coordinates (row-major). */
  seq: number[];
  ts: number[];
  coords: number[];
  /** Points that entered this scale so far (count windows emit on it). */
  pointsSeen: number;
  /** Time windows: start of the next window to emit, or null before the first point. */
  nextWindowStart: number | null;
  /**
   * Diagrams of recent windows, oldest first: the previous window and the reference
   * candidates. Packed (see packed-diagrams.ts); diagram JSON is read too.
   */
  recent: Array<{ firstSeq: number; lastSeq: number; diagrams: PackedDiagrams | DiagramsJson }>;
  /** The detector's last reference distances (its span of them), oldest first. */
  recentReference: number[];
  /** The detector's history of lasting distances, oldest first. */
  history: number[];
  /** Tracked features (an essential one has death null in JSON). */
  features: TrackedFeatureState[];
  /** Next number for a new feature id. */
  nextFeature: number;
}

/** Everything about one key, enough to continue it exactly. */
export interface KeyState {
  /** Coordinates per point (after embedding), fixed by the key's first valid event; 0 before it. */
  dimension: number;
  /** Sequence number the next placed event gets. */
  nextSeq: number;
  /** Largest event time accepted, or null. */
  maxTs: number | null;
  /** Event time of the last event placed into the windows, or null: earlier events are late. */
  releasedTs: number | null;
  /** Reorder buffer: events waiting for the watermark, in arrival order. */
  pending: Array<{ ts: number; value: number | number[]; arrival: number }>;
  /** Arrival counter: equal timestamps are placed in arrival order. */
  nextArrival: number;
  /** Scalar streams: the last (dimension-1)·delay+1 samples, oldest first. */
  embedHistory: number[];
  /** By scale name. */
  scales: Record<string, ScaleState>;
  /** Value of the processor's use counter when the key was last touched (eviction order). */
  lastUsed: number;
}

/** The whole processor. `version` guards against reading an incompatible checkpoint. */
export interface StreamState {
  version: 1;
  counts: StreamCounts;
  useCounter: number;
  keys: Record<string, KeyState>;
}

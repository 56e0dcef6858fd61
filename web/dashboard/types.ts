/**
 * The page's reading of what the service sends (src/service/http/live-types.ts and the
 * stream layer's results on the wire): only the fields it draws. The page imports nothing
 * but the library and itself, so it states the wire format it relies on here.
 */
import type { DiagramsJson } from "../../src/tda/index.ts";

export interface WindowResult {
  type: "window";
  id: string;
  key: string;
  scale: string;
  end: number;
  firstSeq: number;
  lastSeq: number;
  points: number;
  /** The Rips threshold the window was computed to. */
  threshold: number;
  diagrams: DiagramsJson;
  distance: number | null;
  score: number | null;
  anomaly: boolean;
  /** With stream.projection on: x0, y0, x1, y1, … on the first two principal components. */
  projection?: number[];
}

export interface FeatureEvent {
  type: "feature_birth" | "feature_death" | "feature_update";
  featureId: string;
  key: string;
  /** Event time of the window it was seen in. */
  time: number;
  dim: number;
  birth: number;
  death: number | null;
}

/** A key in the list: its summary from /api/keys, and its live status once an update brought one. */
export interface KeyRow {
  key: string;
  windows: number;
  anomalies: number;
  lastEnd: number | null;
  anomaly?: boolean;
  /** Events per second. */
  rate?: number;
}

export interface PipelineHealth {
  state: string;
  paused: boolean;
  eventsPerSecond: number;
  windowsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  deadLetters: Record<string, number>;
  checkpoints: number;
  lastCheckpointAt: number | null;
  activeKeys: number;
  inFlight: number;
  kafkaLag: number | null;
  at: number;
}

/** One update from /api/live (or /api/live/poll). */
export interface LiveBatch {
  seq: number;
  gap: boolean;
  statuses: KeyRow[];
  results: WindowResult[];
  features: FeatureEvent[];
  health?: PipelineHealth;
}

/** GET /api/info. */
export interface ServiceInfo {
  detectorThreshold: number;
  scales: string[];
  maxDim: number;
  projection: boolean;
}

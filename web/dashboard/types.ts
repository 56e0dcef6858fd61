/** What the service sends the page (src/service/http/live-feed.ts and the query API). */
import type { DiagramsJson } from "../../src/tda/index.ts";

export interface WindowResult {
  type: "window";
  id: string;
  key: string;
  scale: string;
  start: number;
  end: number;
  firstSeq: number;
  lastSeq: number;
  points: number;
  computedPoints: number;
  threshold: number;
  diagrams: DiagramsJson;
  distance: number | null;
  referenceDistance: number | null;
  score: number | null;
  anomaly: boolean;
  /** The window's points projected on their first two principal components, x0, y0, x1, y1, … */
  projection?: number[];
}

export interface FeatureEvent {
  type: "feature_birth" | "feature_death" | "feature_update";
  id: string;
  featureId: string;
  key: string;
  scale: string;
  windowId: string;
  lastSeq: number;
  time: number;
  dim: number;
  birth: number;
  death: number | null;
}

export interface KeyStatus {
  key: string;
  windows: number;
  anomalies: number;
  lastEnd: number | null;
  lastSeq?: number;
  anomaly?: boolean;
  score?: number | null;
  rate?: number;
  updatedAt?: number;
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

export interface LiveBatch {
  seq: number;
  gap: boolean;
  statuses: KeyStatus[];
  results: WindowResult[];
  features: FeatureEvent[];
  health?: PipelineHealth;
}

export interface ServiceInfo {
  detectorThreshold: number;
  scales: string[];
  maxDim: number;
  projection: boolean;
}

/**
 * What the service sends the page, as plain data: the live updates (live-api.ts), the
 * health panel (pipeline-health.ts) and the pipeline's description. The page's code imports
 * these types (types only: nothing of the service is bundled).
 */
import type { FeatureEvent, WindowResult } from "../../stream/types.ts";

/** What the key list shows of a key, as of its latest window. */
export interface KeyStatus {
  key: string;
  windows: number;
  anomalies: number;
  /** Event time of the latest window's end. */
  lastEnd: number | null;
  lastSeq: number;
  /** The latest window's flag and score. */
  anomaly: boolean;
  score: number | null;
  /** The key's events per second of wall time, smoothed. */
  rate: number;
  /** Wall-clock time (ms) of the latest window. */
  updatedAt: number;
}

/** Everything a client is missing since the feed position it has seen. */
export interface LiveBatch {
  /** The feed position this batch brings the client to. */
  seq: number;
  /**
   * True when results after the client's position have left the feed's memory: the client
   * reloads the key's history from the query API, and `statuses` holds every live key.
   */
  gap: boolean;
  statuses: KeyStatus[];
  /** The watched key's window results and feature events, oldest first. */
  results: WindowResult[];
  features: FeatureEvent[];
  /** The pipeline's health, about once a second (and in every polled batch). */
  health?: PipelineHealth;
}

/** The pipeline's health as the page shows it. */
export interface PipelineHealth {
  state: string;
  paused: boolean;
  /** Over the time since the previous reading (at least a second). */
  eventsPerSecond: number;
  windowsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Dead letters (and dropped events) since start, by reason. */
  deadLetters: Record<string, number>;
  checkpoints: number;
  lastCheckpointAt: number | null;
  activeKeys: number;
  inFlight: number;
  /** Consumer lag where the source is Kafka (its metric is present); null otherwise. */
  kafkaLag: number | null;
  at: number;
}

/** What the page needs to know about the pipeline once (GET /api/info). */
export interface ServiceInfo {
  /** The detector's threshold on the anomaly score. */
  detectorThreshold: number;
  /** Names of the window scales. */
  scales: string[];
  maxDim: number;
  /** Whether window results carry their points' projection. */
  projection: boolean;
}

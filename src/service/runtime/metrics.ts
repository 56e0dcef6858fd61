import type { OperationRecorder } from "../../adapters/types.ts";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** Latencies kept for the p99 gauge by default: the most recent ones, in a ring. */
const RECENT_LATENCIES = 8192;

/**
 * The pipeline's Prometheus metrics, on a registry of its own (tests run several pipelines
 * in one process). Names follow Prometheus' conventions; the latency alert reads `streaming_tda_latency_p99`
 * in seconds (`> 0.2`), so that gauge is computed from the most recent latencies at scrape time.
 */
export class PipelineMetrics implements OperationRecorder {
  readonly registry = new Registry();
  readonly eventsProcessed: Counter;
  readonly eventsFailed: Counter<"reason">;
  readonly latency: Histogram;
  readonly windowCompute: Histogram<"scale" | "dim">;
  readonly windows: Counter;
  readonly anomalies: Counter;
  readonly activeKeys: Gauge;
  readonly queueDepth: Gauge;
  readonly inFlight: Gauge;
  readonly paused: Gauge;
  readonly checkpoints: Counter;
  readonly evictedStateDiscarded: Counter;
  readonly checkpointSeconds: Histogram;
  readonly httpRejected: Counter<"status">;
  readonly kafkaLag: Gauge<"topic" | "partition">;
  readonly kafkaRebalances: Counter;
  readonly kafkaAssignedPartitions: Gauge;
  readonly kafkaCommits: Counter<"result">;
  readonly kafkaCommitSeconds: Histogram;
  readonly backendOperations: Record<"redis" | "s3", { total: Counter<"operation">; errors: Counter<"operation">; seconds: Histogram<"operation"> }>;
  readonly archiveDropped: Counter;
  private readonly recent: Float64Array;
  private recentCount = 0;

  /** `latencySamples`: how many recent latencies the p99 gauge (and latencyQuantile) looks at. */
  constructor(options: { defaultMetrics?: boolean; latencySamples?: number } = {}) {
    this.recent = new Float64Array(options.latencySamples ?? RECENT_LATENCIES);
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.eventsProcessed = new Counter({
      name: "streaming_tda_events_processed_total",
      help: "Events validated and added to their key's windows.",
      registers,
    });
    this.eventsFailed = new Counter({
      name: "streaming_tda_events_failed_total",
      help: "Events dead-lettered or dropped, by reason.",
      labelNames: ["reason"],
      registers,
    });
    this.latency = new Histogram({
      name: "streaming_tda_processing_latency_seconds",
      help: "From an event's arrival to the result it caused being acknowledged by the sink.",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.windowCompute = new Histogram({
      name: "streaming_tda_window_compute_seconds",
      help: "Time to compute one window's persistence, by scale and homology dimension.",
      labelNames: ["scale", "dim"],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.windows = new Counter({ name: "streaming_tda_windows_total", help: "Window results emitted.", registers });
    this.anomalies = new Counter({ name: "streaming_tda_anomalies_total", help: "Window results flagged as anomalies.", registers });
    this.activeKeys = new Gauge({ name: "streaming_tda_active_keys", help: "Keys with state in memory.", registers });
    this.queueDepth = new Gauge({ name: "streaming_tda_queue_depth", help: "Events accepted but not yet read by the runner.", registers });
    this.inFlight = new Gauge({ name: "streaming_tda_in_flight_events", help: "Events handed to workers and not yet finished.", registers });
    this.paused = new Gauge({ name: "streaming_tda_paused", help: "1 while processing is paused by the streaming_tda_enabled flag.", registers });
    this.checkpoints = new Counter({ name: "streaming_tda_checkpoints_total", help: "Checkpoints written.", registers });
    this.evictedStateDiscarded = new Counter({
      name: "streaming_tda_evicted_state_discarded_total",
      help: "Keys evicted from memory whose state was then forgotten (no durable store): each starts afresh if it returns.",
      registers,
    });
    this.checkpointSeconds = new Histogram({
      name: "streaming_tda_checkpoint_seconds",
      help: "Time from checkpoint barrier to commit.",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.httpRejected = new Counter({
      name: "streaming_tda_http_rejected_total",
      help: "POST /events requests refused for backpressure or pause, by status.",
      labelNames: ["status"],
      registers,
    });
    // Scale-out (Kafka, Redis, S3). The lag gauge has the name the consumer-lag alert reads.
    this.kafkaLag = new Gauge({
      name: "kafka_consumer_lag",
      help: "Records of a partition not yet processed (their outputs not yet acknowledged): log end offset minus the next offset to process.",
      labelNames: ["topic", "partition"],
      registers,
    });
    this.kafkaRebalances = new Counter({ name: "streaming_tda_kafka_rebalances_total", help: "Assignment changes of this instance in the consumer group.", registers });
    this.kafkaAssignedPartitions = new Gauge({ name: "streaming_tda_kafka_assigned_partitions", help: "Partitions this instance holds and processes.", registers });
    this.kafkaCommits = new Counter({ name: "streaming_tda_kafka_commits_total", help: "Offset commits to the consumer group, by result (ok, error).", labelNames: ["result"], registers });
    this.kafkaCommitSeconds = new Histogram({
      name: "streaming_tda_kafka_commit_seconds",
      help: "Time to commit offsets to the consumer group.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers,
    });
    const backend = (system: "redis" | "s3") => ({
      total: new Counter({ name: `streaming_tda_${system}_operations_total`, help: `${system === "s3" ? "S3" : "Redis"} operations, by operation.`, labelNames: ["operation"], registers }),
      errors: new Counter({ name: `streaming_tda_${system}_errors_total`, help: `${system === "s3" ? "S3" : "Redis"} operations that failed, by operation.`, labelNames: ["operation"], registers }),
      seconds: new Histogram({
        name: `streaming_tda_${system}_operation_seconds`,
        help: `Latency of ${system === "s3" ? "S3" : "Redis"} operations, by operation.`,
        labelNames: ["operation"],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
        registers,
      }),
    });
    this.backendOperations = { redis: backend("redis"), s3: backend("s3") };
    this.archiveDropped = new Counter({ name: "streaming_tda_archive_dropped_total", help: "Window results not archived because S3 stayed unreachable while the archive queue was full.", registers });
    const p99 = () => this.latencyQuantile(0.99);
    new Gauge({
      name: "streaming_tda_latency_p99",
      help: "p99 of the most recent processing latencies, in seconds (the latency alert reads it).",
      registers,
      collect() {
        this.set(p99());
      },
    });
  }

  /** OperationRecorder: one Redis or S3 operation. */
  record(system: "redis" | "s3", operation: string, seconds: number, failed: boolean): void {
    const m = this.backendOperations[system];
    m.total.inc({ operation });
    if (failed) m.errors.inc({ operation });
    m.seconds.observe({ operation }, seconds);
  }

  observeLatency(seconds: number): void {
    this.latency.observe(seconds);
    this.recent[this.recentCount % this.recent.length] = seconds;
    this.recentCount++;
  }

  /** Latencies observed since the last reset (all of them, not only those still kept). */
  latencySampleCount(): number {
    return this.recentCount;
  }

  /** Forgets the recent latencies (a benchmark starts a new phase). */
  resetRecentLatencies(): void {
    this.recentCount = 0;
  }

  /** Quantile q of the most recent latencies (seconds); 0 before any. */
  latencyQuantile(q: number): number {
    const n = Math.min(this.recentCount, this.recent.length);
    if (n === 0) return 0;
    const sorted = this.recent.slice(0, n).sort();
    return sorted[Math.min(n - 1, Math.floor(q * n))];
  }
}

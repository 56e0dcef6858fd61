import { FileSink } from "../adapters/sinks/file-sink.ts";
import { StdoutSink } from "../adapters/sinks/stdout-sink.ts";
import type { KafkaSettings } from "../adapters/kafka/settings.ts";
import type { RedisStoreOptions } from "../adapters/redis/redis-store.ts";
import type { S3ArchiveOptions } from "../adapters/s3/s3-archive.ts";
import { ArchiveSink, NullSink, StoreSink } from "../adapters/sinks/store-sink.ts";
import { DemoSource } from "../adapters/demo/demo-source.ts";
import { FileSource } from "../adapters/sources/file-source.ts";
import { HttpSource } from "../adapters/sources/http-source.ts";
import { StdinSource } from "../adapters/sources/stdin-source.ts";
import { MemoryStateStore } from "../adapters/store/memory-store.ts";
import { SqliteStateStore } from "../adapters/store/sqlite-store.ts";
import type { PartitionedInput, ResultArchive, Sink, Source, StateStore } from "../adapters/types.ts";
import type { StreamConfig } from "../stream/types.ts";
import type { PipelineConfig } from "./config/config.ts";
import { ServiceHttpServer } from "./http/server.ts";
import type { Logger } from "./runtime/logger.ts";
import { PipelineMetrics } from "./runtime/metrics.ts";
import type { PartitionedRunner } from "./runtime/partitioned-runner.ts";
import { PipelineRunner } from "./runtime/runner.ts";

/**
 * The composition root: the one place that turns a config into concrete sources, sinks and
 * stores. Everything else in the runtime sees them through src/adapters/types.ts.
 */

export interface RunningPipeline {
  runner: PipelineRunner;
  metrics: PipelineMetrics;
  store: StateStore;
  /** The HTTP port actually bound (useful with port 0), or undefined without HTTP. */
  port?: number;
  /** Resolves when the input ended or stop() finished, everything closed. */
  done: Promise<void>;
  /** Stops intake, flushes outputs, checkpoints, closes everything. */
  stop(): Promise<void>;
}

export function createSource(config: PipelineConfig, batchSize: number): Source {
  const s = config.source;
  switch (s.type) {
    case "file":
      return new FileSource({ path: s.path, format: s.format, follow: s.follow, batchSize });
    case "stdin":
      return new StdinSource({ format: s.format, batchSize });
    case "http":
      return new HttpSource({ capacity: config.http.queueCapacity, batchSize });
    case "demo":
      return new DemoSource({ keys: s.keys, rate: s.rate, seed: s.seed, limit: s.limit ?? undefined, batchSize });
  }
}

/** The store the config names: a SQLite file, or (store: none) this process's memory. */
export function createStore(config: PipelineConfig): StateStore {
  if (config.store === null) return new MemoryStateStore();
  return new SqliteStateStore(config.store.path, { retentionMs: config.store.retentionHours * 3600_000 });
}

function createSink(config: PipelineConfig): Sink {
  const s = config.sink;
  if (s.type === "file") return new FileSink(s.path);
  if (s.type === "stdout") return new StdoutSink();
  return new NullSink();
}

/**
 * Builds the pipeline a config describes and starts it. A source, sinks or store passed in
 * replace the config's; a store passed in stays open when the pipeline stops (its owner may
 * start another pipeline on it, which resumes from its last checkpoint).
 */
export async function startPipeline(
  config: PipelineConfig,
  options: { logger: Logger; metrics?: PipelineMetrics; source?: Source; sinks?: Sink[]; store?: StateStore },
): Promise<RunningPipeline> {
  const { logger } = options;
  const metrics = options.metrics ?? new PipelineMetrics();
  const source = options.source ?? createSource(config, config.runner.batchSize);
  const store = options.store ?? createStore(config);
  const ownsStore = options.store === undefined;
  const sinks = [...(options.sinks ?? [createSink(config)]), new StoreSink(store)];
  const runner = new PipelineRunner({
    stream: config.stream,
    source,
    sinks,
    store,
    workers: config.runner.workers,
    checkpointIntervalMs: config.store?.checkpointIntervalMs ?? 5000,
    maxInFlight: config.runner.maxInFlight,
    metrics,
    logger,
  });
  let server: ServiceHttpServer | undefined;
  let port: number | undefined;
  const closeAll = async () => {
    await server?.close();
    await Promise.all(sinks.map((s) => s.close()));
    if (ownsStore) await store.close();
  };
  try {
    await runner.start();
    if (config.http.enabled) {
      server = new ServiceHttpServer({
        http: config.http,
        runner,
        source,
        httpSource: source instanceof HttpSource ? source : undefined,
        store,
        metrics,
        logger,
      });
      port = await server.listen();
      logger.info("http listening", { port, host: config.http.host });
    }
  } catch (err) {
    await runner.stop().catch(() => undefined);
    await closeAll().catch(() => undefined);
    throw err;
  }
  logger.info("pipeline started", {
    source: source.kind,
    sinks: sinks.map((s) => s.kind),
    store: store.kind,
    workers: config.runner.workers,
    scales: config.stream.scales,
  });
  const done = runner.done.finally(closeAll);
  return {
    runner,
    metrics,
    store,
    port,
    done,
    async stop() {
      await runner.stop();
      await done.catch(() => undefined);
    },
  };
}

/** What a pipeline on Kafka, Redis and (optionally) S3 is made of. */
export interface ScaleOutOptions {
  kafka: KafkaSettings;
  redis: RedisStoreOptions;
  /** Without it, results stay in Redis only (bounded per key). */
  archive?: S3ArchiveOptions;
  stream: StreamConfig;
  runner: { workers: number; maxInFlight: number; batchSize: number; checkpointIntervalMs: number };
  /** Wait before a new runner after a failed one (the broker or Redis away). */
  restartDelayMs?: number;
}

export interface RunningScaleOut {
  runner: PartitionedRunner;
  metrics: PipelineMetrics;
  store: StateStore;
  archive?: ResultArchive;
  /** The broker connection, for readiness. */
  input: PartitionedInput;
  done: Promise<void>;
  /** Stops the runner (checkpointing its partitions), leaves the group, closes everything. */
  stop(): Promise<void>;
}

/**
 * The pipeline on Kafka (source and sinks), Redis (state, latest results) and S3 (archive):
 * one instance of a consumer group. The client libraries load only here, on demand.
 */
export async function startScaleOutPipeline(options: ScaleOutOptions, context: { logger: Logger; metrics?: PipelineMetrics }): Promise<RunningScaleOut> {
  const { logger } = context;
  const metrics = context.metrics ?? new PipelineMetrics();
  const [{ KafkaInput }, { KafkaSink }, { RawBytesKeeper }, { RedisStateStore }, { S3ResultArchive }, { PartitionedRunner }] = await Promise.all([
    import("../adapters/kafka/kafka-input.ts"),
    import("../adapters/kafka/kafka-sink.ts"),
    import("../adapters/kafka/raw-bytes.ts"),
    import("../adapters/redis/redis-store.ts"),
    import("../adapters/s3/s3-archive.ts"),
    import("./runtime/partitioned-runner.ts"),
  ]);
  const rawBytes = new RawBytesKeeper();
  const store = new RedisStateStore({ ...options.redis, recorder: metrics });
  const archive = options.archive ? new S3ResultArchive({ ...options.archive, recorder: metrics }) : undefined;
  const input = new KafkaInput(options.kafka, {
    batchSize: options.runner.batchSize,
    rawBytes,
    onStreamError: (err) => logger.warn("kafka stream failed; reopening at the next offsets", { err: err.message }),
  });
  const sinks: Sink[] = [new KafkaSink(options.kafka, { rawBytes }), new StoreSink(store)];
  if (archive) sinks.push(new ArchiveSink(archive));
  const runner = new PartitionedRunner({
    input,
    store,
    sinks,
    stream: options.stream,
    workers: options.runner.workers,
    maxInFlight: options.runner.maxInFlight,
    checkpointIntervalMs: options.runner.checkpointIntervalMs,
    metrics,
    logger,
    restartDelayMs: options.restartDelayMs,
  });
  const closeAll = async () => {
    await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
    await store.close();
  };
  try {
    if (archive) await archive.start();
    await runner.start();
  } catch (err) {
    await runner.stop().catch(() => undefined);
    await closeAll();
    throw err;
  }
  logger.info("pipeline started", { source: `kafka:${options.kafka.topic}`, group: options.kafka.groupId, store: "redis", archive: archive ? "s3" : null });
  const done = runner.done.then(closeAll);
  return {
    runner,
    metrics,
    store,
    archive,
    input,
    done,
    async stop() {
      await runner.stop();
      await done;
    },
  };
}

import { FileSink } from "../adapters/sinks/file-sink.ts";
import { StdoutSink } from "../adapters/sinks/stdout-sink.ts";
import type { RawBytesKeeper } from "../adapters/kafka/raw-bytes.ts";
import type { KafkaSettings } from "../adapters/kafka/settings.ts";
import type { OperationRecorder } from "../adapters/operation-recorder.ts";
import type { RedisStoreOptions } from "../adapters/redis/redis-store.ts";
import { ArchiveSink, NullSink, StoreSink } from "../adapters/sinks/store-sink.ts";
import { DemoSource } from "../adapters/demo/demo-source.ts";
import { FileSource } from "../adapters/sources/file-source.ts";
import { HttpSource } from "../adapters/sources/http-source.ts";
import { StdinSource } from "../adapters/sources/stdin-source.ts";
import { MemoryStateStore } from "../adapters/store/memory-store.ts";
import { SqliteStateStore } from "../adapters/store/sqlite-store.ts";
import type { ResultArchive, Sink, Source, StateStore } from "../adapters/types.ts";
import type { PipelineConfig } from "./config/config.ts";
import { PIPELINE_SETTINGS } from "./config/schema.ts";
import { settingAt } from "../stream/settings.ts";
import { LiveFeed } from "./http/live-feed.ts";
import { ServiceHttpServer } from "./http/server.ts";
import { resolveConfig } from "../stream/config.ts";
import type { Logger } from "./runtime/logger.ts";
import { PipelineMetrics } from "./runtime/metrics.ts";
import type { PartitionedRunner } from "./runtime/partitioned-runner.ts";
import { PipelineRunner, type RunnerOptions } from "./runtime/runner.ts";

/**
 * The composition root: the one place that turns a config into concrete sources, sinks and
 * stores. Everything else in the runtime sees them through src/adapters/types.ts.
 */

export interface RunningPipeline {
  /** A PartitionedRunner on a Kafka source (one PipelineRunner per assignment). */
  runner: PipelineRunner | PartitionedRunner;
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
    case "kafka":
      throw new Error("a Kafka source is opened per assignment by startPipeline, not here");
    case "demo":
      return new DemoSource({ keys: s.keys, rate: s.rate, seed: s.seed, limit: s.limit ?? undefined, batchSize });
  }
}

/**
 * The store the config names: a SQLite file, Redis (store.path redis://…), or (store: none)
 * this process's memory, which keeps a bounded number of evicted keys' states and tells
 * `onDiscard` how many it forgets.
 */
export async function createStore(config: PipelineConfig, recorder?: OperationRecorder, onDiscard?: (keys: number) => void): Promise<StateStore> {
  if (config.store === null) return new MemoryStateStore({ onDiscard });
  if (isRedisPath(config.store.path)) {
    const { RedisStateStore } = await import("../adapters/redis/redis-store.ts");
    return new RedisStateStore({ ...redisStoreOptions(config, config.store.path), recorder });
  }
  return new SqliteStateStore(config.store.path, { retentionMs: config.store.retentionHours * 3600_000 });
}

/** A store.path that names a Redis server rather than a SQLite file. */
export function isRedisPath(path: string): boolean {
  return /^rediss?:\/\//.test(path);
}

/** The Redis store's options for a config whose store.path is `path` (redis://…), the password from redis.password. */
export function redisStoreOptions(config: PipelineConfig, path: string): RedisStoreOptions {
  const url = new URL(path);
  if (config.redis.password !== undefined) url.password = encodeURIComponent(config.redis.password);
  const { prefix, maxResultsPerKey, resultTtlHours } = config.redis;
  return { url: url.toString(), prefix, maxResultsPerKey, resultTtlSeconds: Math.round(resultTtlHours * 3600) };
}

/** Milliseconds between two warnings about discarded state: the counter has every one. */
const DISCARD_WARNING_MS = 60_000;

/** Counts evicted keys' states the store forgot, and warns: at once, then at most once a minute. */
function discardWarning(metrics: PipelineMetrics, logger: Logger): (keys: number) => void {
  let total = 0;
  let warnedAt = -Infinity;
  return (keys) => {
    total += keys;
    metrics.evictedStateDiscarded.inc(keys);
    if (Date.now() - warnedAt < DISCARD_WARNING_MS) return;
    warnedAt = Date.now();
    logger.warn("evicted keys' state discarded: without a store (--store none) only the most recently evicted keys' states are kept in memory; a discarded key starts afresh (windows, detector history) if it returns. Give --store PATH to keep them all", {
      discardedSoFar: total,
    });
  };
}

/** The S3 archive the config names, if any. */
async function createArchive(config: PipelineConfig, recorder: OperationRecorder): Promise<ResultArchive | undefined> {
  const a = config.archive;
  if (a === null) return undefined;
  const { S3ResultArchive } = await import("../adapters/s3/s3-archive.ts");
  const credentials = a.accessKeyId !== undefined && a.secretAccessKey !== undefined ? { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey } : undefined;
  const archive = new S3ResultArchive({ ...a, credentials, recorder });
  await archive.start();
  return archive;
}

/**
 * Without a store (store: none) the in-memory store takes checkpoints too, at the schema's
 * default interval: a pipeline restarted in the same process resumes from them.
 */
function checkpointIntervalMs(config: PipelineConfig): number {
  return config.store?.checkpointIntervalMs ?? (settingAt(PIPELINE_SETTINGS, "store.checkpointIntervalMs")!.default as number);
}

/** The Kafka clients' settings, for a topic (the source's, or none for a sink alone). */
export function kafkaSettings(config: PipelineConfig, topic: string): KafkaSettings {
  return { ...config.kafka, topic };
}

async function createSink(config: PipelineConfig, logger: Logger, rawBytes?: RawBytesKeeper): Promise<Sink> {
  const s = config.sink;
  if (s.type === "file") {
    const sink = new FileSink(s.path, {
      onTornLine: (bytesCut) => logger.warn("file sink: cut a torn last line left by an interrupted write; its records are produced again", { path: s.path, bytesCut }),
    });
    // An unwritable path stops the start (exit 78, naming it) rather than the first write.
    await sink.ready();
    return sink;
  }
  if (s.type === "stdout") return new StdoutSink();
  if (s.type === "kafka") {
    const { KafkaSink } = await import("../adapters/kafka/kafka-sink.ts");
    return new KafkaSink(kafkaSettings(config, config.source.type === "kafka" ? config.source.topic : ""), { rawBytes });
  }
  return new NullSink();
}

/** How a pipeline's runner is built once its store and sinks are: on a source, or on a Kafka topic. */
interface Intake {
  /** What the probes and logs report of the input. */
  source: Pick<Source, "kind" | "connected">;
  httpSource?: HttpSource;
  /** The config's sinks for this intake (a Kafka sink keeps the raw bytes of dead letters). */
  sinks(): Promise<Sink[]>;
  runner(common: Omit<RunnerOptions, "source">): PipelineRunner | PartitionedRunner;
  started: Record<string, unknown>;
}

/** A single source: one runner, its state under WHOLE_STATE. */
function sourceIntake(config: PipelineConfig, given: Source | undefined, logger: Logger): Intake {
  const source = given ?? createSource(config, config.runner.batchSize);
  return {
    source,
    httpSource: source instanceof HttpSource ? source : undefined,
    sinks: async () => [await createSink(config, logger)],
    runner: (common) => new PipelineRunner({ ...common, source }),
    started: { source: source.kind, workers: config.runner.workers, scales: config.stream.scales },
  };
}

/**
 * One instance of the consumer group on a Kafka topic: a runner per assignment, each
 * partition's state in the store (Redis, for several instances). The client libraries load
 * only here.
 */
async function kafkaIntake(config: PipelineConfig, topic: string, logger: Logger): Promise<Intake> {
  const [{ KafkaInput }, { RawBytesKeeper }, { PartitionedRunner }] = await Promise.all([
    import("../adapters/kafka/kafka-input.ts"),
    import("../adapters/kafka/raw-bytes.ts"),
    import("./runtime/partitioned-runner.ts"),
  ]);
  const rawBytes = new RawBytesKeeper();
  const input = new KafkaInput(kafkaSettings(config, topic), {
    batchSize: config.runner.batchSize,
    rawBytes,
    onStreamError: (err) => logger.warn("kafka stream failed; reopening at the next offsets", { err: err.message }),
  });
  return {
    source: input,
    sinks: async () => [await createSink(config, logger, rawBytes)],
    runner: (common) => new PartitionedRunner({ ...common, input }),
    started: { source: `kafka:${topic}`, group: config.kafka.groupId, workers: config.runner.workers },
  };
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
  const intake = config.source.type === "kafka" ? await kafkaIntake(config, config.source.topic, logger) : sourceIntake(config, options.source, logger);
  const store = options.store ?? (await createStore(config, metrics, discardWarning(metrics, logger)));
  const ownsStore = options.store === undefined;
  const sinks: Sink[] = [];
  let server: ServiceHttpServer | undefined;
  const closeAll = async () => {
    await server?.close();
    await Promise.all(sinks.map((s) => s.close().catch(() => undefined)));
    if (ownsStore) await store.close();
  };
  let runner: PipelineRunner | PartitionedRunner | undefined;
  let archive: ResultArchive | undefined;
  let port: number | undefined;
  // The page's live updates follow the store, so what they show is already queryable.
  const stream = resolveConfig(config.stream);
  const live = config.http.enabled ? new LiveFeed({ store, maxKeys: stream.maxKeys }) : undefined;
  try {
    archive = await createArchive(config, metrics);
    const storeSink = new StoreSink(store);
    sinks.push(...(options.sinks ?? (await intake.sinks())), live ? live.after(storeSink) : storeSink);
    if (archive) sinks.push(new ArchiveSink(archive));
    runner = intake.runner({
      stream: config.stream,
      sinks,
      store,
      workers: config.runner.workers,
      checkpointIntervalMs: checkpointIntervalMs(config),
      maxInFlight: config.runner.maxInFlight,
      metrics,
      logger,
    });
    await runner.start();
    if (config.http.enabled) {
      server = new ServiceHttpServer({
        http: config.http,
        runner,
        source: intake.source,
        httpSource: intake.httpSource,
        store,
        archive,
        metrics,
        logger,
        live: live && {
          feed: live,
          info: {
            detectorThreshold: stream.detector.threshold,
            scales: stream.scales.map((s) => s.name),
            maxDim: stream.maxDim,
            projection: config.stream.projection === true,
          },
        },
      });
      port = await server.listen();
      logger.info("http listening", { port, host: config.http.host });
    }
  } catch (err) {
    await runner?.stop().catch(() => undefined);
    await closeAll().catch(() => undefined);
    throw err;
  }
  logger.info("pipeline started", { ...intake.started, sinks: sinks.map((s) => s.kind), store: store.kind, archive: archive?.kind ?? null });
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

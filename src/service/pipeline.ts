import { FileSink } from "../adapters/sinks/file-sink.ts";
import { StdoutSink } from "../adapters/sinks/stdout-sink.ts";
import { NullSink, StoreSink } from "../adapters/sinks/store-sink.ts";
import { DemoSource } from "../adapters/demo/demo-source.ts";
import { FileSource } from "../adapters/sources/file-source.ts";
import { HttpSource } from "../adapters/sources/http-source.ts";
import { StdinSource } from "../adapters/sources/stdin-source.ts";
import { MemoryStateStore } from "../adapters/store/memory-store.ts";
import { SqliteStateStore } from "../adapters/store/sqlite-store.ts";
import type { Sink, Source, StateStore } from "../adapters/types.ts";
import type { PipelineConfig } from "./config/config.ts";
import { ServiceHttpServer } from "./http/server.ts";
import type { Logger } from "./runtime/logger.ts";
import { PipelineMetrics } from "./runtime/metrics.ts";
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

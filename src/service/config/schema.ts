/**
 * Every setting of the service, declared once: type, default, bounds and one-line help. The
 * YAML config, the environment (config/env.ts) and the flags of `run` and `demo`
 * (cli/run-flags.ts) all map onto these paths; the stream layer's own settings are nested
 * under `stream`. The config's type is derived from this declaration: adding a setting is
 * adding it here.
 */
import { STREAM_SETTINGS } from "../../stream/config.ts";
import { join, type SectionSetting, type SettingValue } from "../../stream/settings.ts";
import type { StreamConfig } from "../../stream/types.ts";
import { hostRule } from "./host.ts";

export const PIPELINE_SETTINGS = {
  type: "section",
  help: "a pipeline",
  fields: {
    source: {
      type: "variant",
      tag: "type",
      default: "stdin",
      help: "where events come from",
      variants: {
        file: {
          path: { type: "string", required: true, help: "JSON lines, or CSV (key,ts,v1,v2,…) for *.csv" },
          format: { type: "enum", values: ["json", "csv"], help: "input format (default: from the extension)" },
          follow: { type: "boolean", default: false, help: "keep reading as the file grows instead of ending at its end" },
        },
        stdin: {
          format: { type: "enum", values: ["json", "csv", "auto"], default: "auto", help: "input format (auto: JSON when a line starts with {)" },
        },
        http: {},
        demo: {
          keys: { type: "integer", min: 1, max: 100_000, default: 64, help: "generated keys" },
          rate: { type: "number", min: 0, default: 2000, help: "events per second in all; 0 = as fast as the pipeline takes them" },
          seed: { type: "integer", min: 0, max: 2 ** 31, default: 1, help: "the generator's seed" },
          limit: { type: "integer", min: 0, help: "stop after this many events (default: never)" },
        },
        kafka: {
          topic: { type: "string", required: true, help: "the topic events are read from, keyed by event key (brokers and group: kafka.*)" },
        },
      },
    },
    sink: {
      type: "variant",
      tag: "type",
      default: "stdout",
      help: "where results go (the store gets window results in any case)",
      variants: {
        stdout: {},
        file: { path: { type: "string", required: true, help: "JSON lines, appended" } },
        kafka: {},
        none: {},
      },
    },
    store: {
      type: "section",
      optional: true,
      help: "the embedded store: checkpoints and result history (absent or none: neither)",
      fields: {
        path: { type: "string", default: ".data/streaming-tda.db", help: "the SQLite file, or redis://host:port[/db] for Redis (settings: redis.*)" },
        checkpointIntervalMs: { type: "integer", min: 10, max: 3_600_000, default: 5000, help: "milliseconds between checkpoints" },
        retentionHours: { type: "number", min: 0, default: 24, help: "results older than this are pruned from the history" },
      },
    },
    http: {
      type: "section",
      help: "probes, metrics, flags, POST /events, query API, live page",
      fields: {
        enabled: { type: "boolean", default: true, help: "serve HTTP at all" },
        host: { type: "string", default: "127.0.0.1", help: "address to listen on (0.0.0.0: every interface)", check: hostRule },
        port: { type: "integer", min: 0, max: 65_535, default: 8080, help: "port to listen on (0: any free port)" },
        queueCapacity: { type: "integer", min: 1, max: 10_000_000, default: 20_000, help: "events POSTed and not yet taken; beyond it 429 + Retry-After" },
        authToken: {
          type: "string",
          secret: true,
          env: "STREAMING_TDA_AUTH_TOKEN",
          help: "bearer token that routes changing state require (from the environment only)",
        },
        authTokenFile: { type: "string", help: "file holding the bearer token that routes changing state require" },
        maxBodyBytes: { type: "integer", min: 1024, max: 1 << 30, default: 8 << 20, help: "largest POST /events body, in bytes; beyond it 413" },
        headersTimeoutMs: { type: "integer", min: 100, max: 600_000, default: 10_000, help: "milliseconds a client has to send its request headers" },
        requestTimeoutMs: { type: "integer", min: 100, max: 3_600_000, default: 30_000, help: "milliseconds a client has to send its whole request" },
        keepAliveTimeoutMs: { type: "integer", min: 100, max: 600_000, default: 5000, help: "milliseconds an idle kept-alive connection stays open" },
        maxConnections: { type: "integer", min: 1, max: 100_000, default: 256, help: "concurrent connections; beyond it new ones are closed" },
      },
      rules: [
        (http, path) =>
          (http.headersTimeoutMs as number) > (http.requestTimeoutMs as number)
            ? [{ path: join(path, "headersTimeoutMs"), rule: `must not be above ${join(path, "requestTimeoutMs")} (${http.requestTimeoutMs as number})`, got: http.headersTimeoutMs }]
            : [],
      ],
    },
    runner: {
      type: "section",
      help: "threads and backpressure",
      fields: {
        workers: { type: "integer", min: 0, max: 64, default: 2, help: "worker threads across keys (0: compute on the main thread)" },
        maxInFlight: { type: "integer", min: 1, max: 10_000_000, default: 4096, help: "events in workers or sinks; intake waits above it" },
        batchSize: { type: "integer", min: 1, max: 100_000, default: 512, help: "events per batch to a worker" },
      },
    },
    kafka: {
      type: "section",
      help: "Kafka clients, for source.type kafka and sink.type kafka (docs/scale-out.md)",
      fields: {
        brokers: { type: "list", item: { type: "string", help: "host:port" }, default: ["127.0.0.1:9092"], minItems: 1, help: "bootstrap brokers" },
        clientId: { type: "string", default: "streaming-tda", help: "client id prefix" },
        groupId: { type: "string", default: "streaming-tda-consumers", help: "consumer group of the instances" },
        groupProtocol: { type: "enum", values: ["consumer", "classic"], default: "consumer", help: "consumer: Kafka 4's KIP-848 protocol; classic: join/sync, with the timeouts below" },
        sessionTimeoutMs: { type: "integer", min: 1000, max: 3_600_000, default: 60_000, help: "classic protocol: a member silent this long is removed" },
        heartbeatIntervalMs: { type: "integer", min: 100, max: 3_600_000, default: 20_000, help: "classic protocol: heartbeat interval" },
        maxPollIntervalMs: { type: "integer", min: 1000, max: 3_600_000, default: 300_000, help: "longest a member may take to rejoin during a rebalance" },
        fetchMinBytes: { type: "integer", min: 1, max: 100_000_000, default: 1, help: "a fetch returns once this much is ready, or after fetchMaxWaitMs (1: as soon as there is a record)" },
        fetchMaxWaitMs: { type: "integer", min: 1, max: 60_000, default: 100, help: "longest a fetch waits for fetchMinBytes" },
        maxPartitionFetchBytes: { type: "integer", min: 1024, max: 1_000_000_000, default: 10_485_760, help: "most bytes per partition in one fetch" },
        resultsTopic: { type: "string", default: "streaming-tda-results", help: "sink.type kafka: window results" },
        featuresTopic: { type: "string", default: "streaming-tda-features", help: "sink.type kafka: feature births, deaths and updates" },
        deadLetterTopic: { type: "string", default: "streaming-tda-dead-letters", help: "dead letters: the raw bytes, reason and origin in headers" },
        compression: { type: "enum", values: ["lz4", "snappy", "gzip", "zstd", "none"], default: "lz4", help: "producer compression" },
        batchBytes: { type: "integer", min: 1024, max: 100_000_000, default: 1_048_576, help: "most bytes per produce request" },
        idempotent: { type: "boolean", default: true, help: "idempotent producer (acks=all)" },
        retries: { type: "integer", min: 0, max: 1000, default: 20, help: "retries of one broker request before its error reaches the pipeline" },
        retryDelayMs: { type: "integer", min: 1, max: 600_000, default: 500, help: "milliseconds between those retries" },
      },
    },
    redis: {
      type: "section",
      help: "the Redis store (store.path redis://…)",
      fields: {
        prefix: { type: "string", default: "streaming-tda", help: "every key starts with PREFIX:" },
        maxResultsPerKey: { type: "integer", min: 1, max: 10_000_000, default: 1000, help: "window results kept per key for the query API (older: the archive)" },
        resultTtlHours: { type: "number", min: 0, default: 168, help: "a key's results expire this long after its last one; 0 keeps them" },
        password: { type: "string", secret: true, env: "STREAMING_TDA_REDIS_PASSWORD", help: "Redis password" },
      },
    },
    archive: {
      type: "section",
      optional: true,
      help: "the S3 archive of window results (absent or none: no archive)",
      fields: {
        url: { type: "string", required: true, help: "s3://bucket/prefix", check: (v: string) => (/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v) ? undefined : "must be s3://bucket/prefix") },
        endpoint: { type: "string", help: "an S3-compatible endpoint, http(s)://host:port (default: AWS)" },
        region: { type: "string", default: "us-east-1", help: "the bucket's region" },
        retentionDays: { type: "number", min: 0, default: 30, help: "objects older than this are swept; 0 keeps all" },
        flushIntervalMs: { type: "integer", min: 100, max: 3_600_000, default: 10_000, help: "queued results are written at least this often" },
        batchRecords: { type: "integer", min: 1, max: 10_000_000, default: 5000, help: "a write starts once this many results are queued" },
        maxQueuedRecords: { type: "integer", min: 1, max: 100_000_000, default: 100_000, help: "beyond it (S3 down long) the oldest queued results are dropped, counted" },
        createBucket: { type: "boolean", default: false, help: "create the bucket when it does not exist" },
        accessKeyId: { type: "string", secret: true, env: "STREAMING_TDA_S3_ACCESS_KEY", help: "S3 access key (default: the AWS SDK's own chain)" },
        secretAccessKey: { type: "string", secret: true, env: "STREAMING_TDA_S3_SECRET_KEY", help: "S3 secret key" },
      },
    },
    log: {
      type: "section",
      help: "logs: JSON lines on stderr",
      fields: {
        level: { type: "enum", values: ["debug", "info", "warn", "error"], default: "info", env: "LOG_LEVEL", help: "the lowest level written" },
      },
    },
    stream: STREAM_SETTINGS,
  },
  rules: [
    (config, path) => {
      const { source, http } = config as { source: { type: string }; http: { enabled: boolean } };
      return source.type === "http" && !http.enabled ? [{ path: join(path, "http.enabled"), rule: "must be true when source.type is http", got: false }] : [];
    },
  ],
} as const satisfies SectionSetting;

/** A checked config: the schema's settings with their defaults filled; the stream layer's are its own StreamConfig. */
export type PipelineConfig = Omit<SettingValue<typeof PIPELINE_SETTINGS>, "stream"> & { stream: StreamConfig };
export type SourceConfig = PipelineConfig["source"];
export type SinkConfig = PipelineConfig["sink"];
/** The Kafka clients' settings (source.type kafka, sink.type kafka); see docs/scale-out.md. */
export type KafkaConfig = PipelineConfig["kafka"];
export type HttpConfig = PipelineConfig["http"];
export type LogLevel = PipelineConfig["log"]["level"];

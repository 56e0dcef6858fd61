/**
 * The config's type is derived from the schema's declaration (SettingValue). These
 * compile-time checks pin what it must come to, setting by setting: a schema change that
 * loses a type, a default or an optional marker fails the typecheck (npm test runs it), and
 * the runtime test below checks the same defaults are filled in.
 */
import assert from "node:assert/strict";
import test from "node:test";
import { checkConfig } from "../src/service/config/config.ts";
import type { PipelineConfig as Derived } from "../src/service/config/schema.ts";
import type { StreamConfig } from "../src/stream/types.ts";
import type { KafkaSettings } from "../src/adapters/kafka/settings.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

type SourceConfig =
  | { type: "file"; path: string; format?: "json" | "csv"; follow: boolean }
  | { type: "stdin"; format: "json" | "csv" | "auto" }
  | { type: "http" }
  | { type: "demo"; keys: number; rate: number; seed: number; limit?: number }
  | { type: "kafka"; topic: string };

type SinkConfig = { type: "stdout" } | { type: "file"; path: string } | { type: "kafka" } | { type: "none" };

/** The schema's kafka section declares exactly what the Kafka adapters need, but the topic (the source's). */
type KafkaConfig = Flat<Omit<KafkaSettings, "topic" | "resultsTopic" | "featuresTopic" | "deadLetterTopic"> & { resultsTopic: string; featuresTopic: string; deadLetterTopic: string }>;
type Flat<T> = { [K in keyof T]: T[K] };

/** Settings of the Redis store (store.path redis://…). */
interface RedisConfig {
  prefix: string;
  maxResultsPerKey: number;
  resultTtlHours: number;
  password?: string;
}

/** The S3 archive of window results. */
interface ArchiveConfig {
  url: string;
  endpoint?: string;
  region: string;
  retentionDays: number;
  flushIntervalMs: number;
  batchRecords: number;
  maxQueuedRecords: number;
  createBucket: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

type LogLevel = "debug" | "info" | "warn" | "error";

interface HttpConfig {
  enabled: boolean;
  host: string;
  port: number;
  queueCapacity: number;
  // from STREAMING_TDA_AUTH_TOKEN only
  authToken?: string;
  authTokenFile?: string;
  maxBodyBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

interface PipelineConfig {
  source: SourceConfig;
  sink: SinkConfig;
  /** The embedded store; null runs without checkpoints or history. */
  store: { path: string; checkpointIntervalMs: number; retentionHours: number } | null;
  http: HttpConfig;
  runner: { workers: number; maxInFlight: number; batchSize: number };
  kafka: KafkaConfig;
  redis: RedisConfig;
  /** null: no archive. */
  archive: ArchiveConfig | null;
  log: { level: LogLevel };
  stream: StreamConfig;
}


const sameShape: Array<true> = [
  true as Equal<Derived["source"], SourceConfig>,
  true as Equal<Derived["sink"], SinkConfig>,
  true as Equal<Derived["store"], PipelineConfig["store"]>,
  true as Equal<Derived["http"], HttpConfig>,
  true as Equal<Derived["runner"], PipelineConfig["runner"]>,
  true as Equal<Derived["kafka"], KafkaConfig>,
  true as Equal<Derived["redis"], RedisConfig>,
  true as Equal<Derived["archive"], ArchiveConfig | null>,
  true as Equal<Derived["log"]["level"], LogLevel>,
  true as Equal<Derived["stream"], StreamConfig>,
  true as Equal<keyof Derived, keyof PipelineConfig>,
];

test("the config type derived from the schema is the one the service is written against, and its defaults are filled", () => {
  assert.equal(sameShape.length, 11);
  const { config, problems } = checkConfig({});
  assert.deepEqual(problems, []);
  const filled: PipelineConfig = config!;
  assert.deepEqual(filled.source, { type: "stdin", format: "auto" });
  assert.equal(filled.kafka.groupId, "streaming-tda-consumers");
  assert.equal(filled.store, null);
  assert.equal(checkConfig({ store: { path: "x.db" } }).config!.store?.checkpointIntervalMs, 5000);
  assert.equal(filled.archive, null);
});

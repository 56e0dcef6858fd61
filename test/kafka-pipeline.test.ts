/**
 * The pipeline on a real Kafka broker, Redis and S3 (S3Proxy), in this process: results on
 * the results topic, in Redis and in S3 equal the embedded pipeline's on the same input;
 * poison messages reach the dead-letter topic; a broker restart and a Redis restart
 * mid-stream lose nothing.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { KafkaInput } from "../src/adapters/kafka/kafka-input.ts";
import { KafkaSink } from "../src/adapters/kafka/kafka-sink.ts";
import { RawBytesKeeper } from "../src/adapters/kafka/raw-bytes.ts";
import type { KafkaSettings } from "../src/adapters/kafka/settings.ts";
import { RedisStateStore } from "../src/adapters/redis/redis-store.ts";
import { S3ResultArchive } from "../src/adapters/s3/s3-archive.ts";
import { ArchiveSink, StoreSink } from "../src/adapters/sinks/store-sink.ts";
import type { OutputRecord } from "../src/adapters/types.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../src/service/runtime/metrics.ts";
import { PartitionedRunner } from "../src/service/runtime/partitioned-runner.ts";
import { createTopic, produce, readTopic, testKafkaSettings } from "./helpers/kafka.ts";
import { circleEvents, embeddedResults, POISON, SCALE_OUT_STREAM, waitFor, windowsById } from "./helpers/scale-out.ts";
import { localS3Credentials, useServers } from "./helpers/servers.ts";

const stack = await useServers("kafka", "redis", "s3");
const brokers = stack.kafka!.address;
let serial = 0;

interface Instance {
  runner: PartitionedRunner;
  store: RedisStateStore;
  archive: S3ResultArchive;
  metrics: PipelineMetrics;
  stop(): Promise<void>;
}

async function startInstance(settings: KafkaSettings, prefix: string, bucket: string): Promise<Instance> {
  const metrics = new PipelineMetrics({ defaultMetrics: false });
  const store = new RedisStateStore({ url: stack.redis!.address, prefix, recorder: metrics, commandTimeoutMs: 60_000 });
  const archive = new S3ResultArchive({ url: `s3://${bucket}/archive`, endpoint: stack.s3!.address, credentials: localS3Credentials, createBucket: true, recorder: metrics, flushIntervalMs: 500 });
  const rawBytes = new RawBytesKeeper();
  const runner = new PartitionedRunner({
    input: new KafkaInput(settings, { batchSize: 100, rawBytes }),
    store,
    sinks: [new KafkaSink(settings, { rawBytes }), new StoreSink(store), new ArchiveSink(archive)],
    stream: SCALE_OUT_STREAM,
    workers: 0,
    checkpointIntervalMs: 300,
    maxInFlight: 2000,
    metrics,
    logger: createLogger({ level: process.env.TEST_LOG === "1" ? "info" : "silent" }),
    restartDelayMs: 500,
    lagIntervalMs: 200,
  });
  await runner.start();
  const instance: Instance = {
    runner,
    store,
    archive,
    metrics,
    async stop() {
      await runner.stop();
      await Promise.all([store.close(), archive.close()]);
    },
  };
  after(() => instance.stop());
  return instance;
}

function windowsOf(records: readonly OutputRecord[]) {
  return records.filter((r) => r.type === "window");
}

test("end to end: Kafka in, results on the results topic, in Redis and in S3 equal the embedded pipeline's; poison to the dead-letter topic", { timeout: 180_000 }, async () => {
  const settings = testKafkaSettings(brokers);
  await createTopic(brokers, settings.topic, 6);
  const events = circleEvents(12, 120);
  const expected = windowsById(await embeddedResults(events));
  const poison = POISON.map((p) => ({ key: p.key, value: p.value }));
  await produce(brokers, settings.topic, [...events.slice(0, 700), ...poison, ...events.slice(700)]);

  const instance = await startInstance(settings, `e2e-${++serial}`, `e2e-${process.pid}-${serial}`);
  const results = await readTopic(brokers, settings.resultsTopic!, expected.size, 120_000);
  const got = windowsById(results.map((m) => JSON.parse(m.value.toString()) as OutputRecord));
  assert.equal(got.size, expected.size);
  assert.deepEqual([...got].sort(), [...expected].sort(), "the results topic holds exactly the embedded pipeline's results");

  const dead = await readTopic(brokers, settings.deadLetterTopic!, POISON.length, 60_000);
  assert.equal(dead.length, POISON.length);
  for (const m of dead) {
    const headers = Object.fromEntries([...m.headers].map(([k, v]) => [k.toString(), v.toString()]));
    const sent = POISON.find((p) => p.value.equals(m.value ?? Buffer.alloc(0)));
    assert.ok(sent, `a dead letter for a message that was sent: ${headers.detail}`);
    assert.deepEqual(m.value ?? Buffer.alloc(0), sent.value, "the dead letter carries the input's exact bytes");
    assert.equal(headers.reason, sent.reason, `${sent.key}: ${headers.detail}`);
    assert.equal(headers["source-topic"], settings.topic);
    assert.match(headers["source-offset"], /^\d+$/);
  }

  // Redis: the latest result of every key, and its history.
  await waitFor("the last checkpoint", async () => (await instance.store.keys()).length === 12);
  const expectedRecords = [...expected.values()].map((j) => JSON.parse(j) as OutputRecord & { key: string; end: number; id: string });
  for (let k = 0; k < 12; k++) {
    const key = `sensor-${k}`;
    const mine = expectedRecords.filter((r) => r.key === key).sort((a, b) => a.end - b.end);
    assert.deepEqual(await instance.store.latest(key), mine[mine.length - 1]);
    assert.deepEqual((await instance.store.history(key, -Infinity, Infinity, 10_000)).map((r) => (r as { id: string }).id), mine.map((r) => r.id));
  }
  // S3: the archive has them all.
  await instance.archive.flush();
  for (const key of ["sensor-0", "sensor-11"]) {
    const mine = expectedRecords.filter((r) => r.key === key).sort((a, b) => a.end - b.end);
    assert.deepEqual(await instance.archive.history(key, -Infinity, Infinity, 10_000), mine);
  }
  // Metrics: lag measured and back to zero, commits, Redis and S3 operations.
  await waitFor("lag 0", () => instance.runner.current !== undefined && instance.metrics.kafkaLag.get().then((g) => g.values.length === 6 && g.values.every((v) => v.value === 0)));
  const text = await instance.metrics.registry.metrics();
  assert.match(text, /kafka_consumer_lag\{topic="events-[^"]+",partition="0"\} 0/);
  assert.match(text, /streaming_tda_kafka_assigned_partitions 6/);
  assert.match(text, /streaming_tda_kafka_commits_total\{result="ok"\} [1-9]/);
  assert.match(text, /streaming_tda_redis_operations_total\{operation="save"\} [1-9]/);
  assert.match(text, /streaming_tda_s3_operations_total\{operation="put"\} [1-9]/);
});

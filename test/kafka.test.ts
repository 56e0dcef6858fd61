/**
 * The Kafka adapters, and the pipeline on a real Kafka broker, Redis and S3 (S3Proxy), in
 * this process (one broker for the file: starting one takes seconds): results on
 * the results topic, in Redis and in S3 equal the embedded pipeline's on the same input;
 * poison messages reach the dead-letter topic; a broker restart and a Redis restart
 * mid-stream lose nothing.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { KafkaGroupMember } from "../src/adapters/kafka/group-member.ts";
import { KafkaInput } from "../src/adapters/kafka/kafka-input.ts";
import { KafkaSink } from "../src/adapters/kafka/kafka-sink.ts";
import { KafkaPartitionSource, readPosition } from "../src/adapters/kafka/partition-source.ts";
import { RawBytesKeeper } from "../src/adapters/kafka/raw-bytes.ts";
import type { KafkaSettings } from "../src/adapters/kafka/settings.ts";
import { RedisStateStore } from "../src/adapters/redis/redis-store.ts";
import { S3ResultArchive } from "../src/adapters/s3/s3-archive.ts";
import { ArchiveSink, StoreSink } from "../src/adapters/sinks/store-sink.ts";
import type { OutputRecord, SourceRecord } from "../src/adapters/types.ts";
import type { DeadLetter } from "../src/stream/types.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../src/service/runtime/metrics.ts";
import { PartitionedRunner } from "../src/service/runtime/partitioned-runner.ts";
import { checkConfig } from "../src/service/config/config.ts";
import { startPipeline } from "../src/service/pipeline.ts";
import { createTopic, produce, readTopic, resultsOnTopic, testKafkaSettings } from "./helpers/kafka.ts";
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
  assert.match(text, /^streaming_tda_kafka_commit_seconds_count [1-9]/m);
  assert.match(text, /streaming_tda_redis_operations_total\{operation="save"\} [1-9]/);
  assert.match(text, /streaming_tda_s3_operations_total\{operation="put"\} [1-9]/);
});

async function collect(source: KafkaPartitionSource, from: unknown, count: number, timeoutMs = 30_000): Promise<SourceRecord[]> {
  const records: SourceRecord[] = [];
  const timer = setTimeout(() => void source.close(), timeoutMs);
  for await (const batch of source.batches(from as never)) {
    records.push(...batch);
    if (records.length >= count) break;
  }
  clearTimeout(timer);
  return records;
}

test("partition source: every record once, in partition order, resumable from a batch's position", { timeout: 90_000 }, async () => {
  const settings = testKafkaSettings(brokers);
  await createTopic(brokers, settings.topic, 6);
  const events = Array.from({ length: 600 }, (_, i) => ({ key: `k${i % 24}`, value: JSON.stringify({ key: `k${i % 24}`, ts: i, value: i }) }));
  await produce(brokers, settings.topic, events);

  const member = new KafkaGroupMember(settings);
  after(() => member.close());
  await member.join();
  assert.deepEqual(member.assigned(), [0, 1, 2, 3, 4, 5], "a lone member holds every partition");

  const keeper = new RawBytesKeeper();
  const first = new KafkaPartitionSource(member, { partitions: member.assigned(), batchSize: 50, rawBytes: keeper });
  const head = await collect(first, undefined, 300);
  await first.close();
  const cut = head[head.length - 1].position;
  const seen = new Set(head.map((r) => JSON.stringify(r.source)));

  const second = new KafkaPartitionSource(member, { partitions: member.assigned(), batchSize: 50, rawBytes: keeper });
  const cutOffsets = readPosition(cut);
  const total = [...cutOffsets.values()].reduce((a, b) => a + Number(b), 0);
  const tail = await collect(second, cut, 600 - total);
  await second.close();

  const all = [...head.slice(0, total), ...tail];
  assert.equal(all.length, 600);
  assert.equal(new Set(all.map((r) => JSON.stringify(r.source))).size, 600, "no record twice");
  for (const r of tail) assert.ok(!seen.has(JSON.stringify(r.source)) || Number((r.source as { offset: string }).offset) >= Number(cutOffsets.get((r.source as { partition: number }).partition)));
  // Within a partition the offsets follow each other, and a key stays on one partition.
  const byPartition = new Map<number, number[]>();
  const partitionOfKey = new Map<string, number>();
  for (const r of all) {
    const src = r.source as { partition: number; offset: string };
    const list = byPartition.get(src.partition) ?? [];
    list.push(Number(src.offset));
    byPartition.set(src.partition, list);
    const key = JSON.parse(r.raw as string).key as string;
    assert.equal(partitionOfKey.get(key) ?? src.partition, src.partition);
    partitionOfKey.set(key, src.partition);
  }
  for (const offsets of byPartition.values()) assert.deepEqual(offsets, offsets.map((_, i) => i));
});

test("dead letters reach their topic with the input's exact bytes, reason and origin", { timeout: 90_000 }, async () => {
  const settings = testKafkaSettings(brokers);
  await createTopic(brokers, settings.topic, 1);
  const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x6b, 0xff, 0xfe, 0x22, 0x7d]);
  await produce(brokers, settings.topic, [{ key: "a", value: invalidUtf8 }]);
  const member = new KafkaGroupMember(settings);
  after(() => member.close());
  await member.join();
  const keeper = new RawBytesKeeper();
  const source = new KafkaPartitionSource(member, { partitions: member.assigned(), batchSize: 10, rawBytes: keeper });
  const [record] = await collect(source, undefined, 1);
  await source.close();
  assert.equal(keeper.size, 1, "bytes that are not UTF-8 are kept exactly");

  const sink = new KafkaSink(settings, { rawBytes: keeper });
  after(() => sink.close());
  const letter: DeadLetter = { type: "dead_letter", reason: "parse_error", detail: "not JSON", raw: record.raw, source: record.source };
  const window = { type: "window", id: "a|128/8|7", key: "a" } as unknown as OutputRecord;
  await sink.write([letter, window]);
  const [dead] = await readTopic(brokers, settings.deadLetterTopic!, 1);
  assert.deepEqual(dead.value, invalidUtf8);
  const headers = Object.fromEntries([...dead.headers].map(([k, v]) => [k.toString(), v.toString()]));
  assert.equal(headers.reason, "parse_error");
  assert.equal(headers["source-topic"], settings.topic);
  assert.equal(headers["source-partition"], "0");
  assert.equal(headers["source-offset"], "0");
  const [result] = await readTopic(brokers, settings.resultsTopic!, 1);
  assert.equal(JSON.parse(result.value.toString()).id, "a|128/8|7");
  assert.equal(result.key.toString(), "a");
});

test("the composed pipeline on a Kafka topic (source kafka:TOPIC, Redis store) serves probes and the page's live feed", { timeout: 120_000 }, async () => {
  const settings = testKafkaSettings(brokers);
  await createTopic(brokers, settings.topic, 3);
  const events = circleEvents(3, 40);
  await produce(brokers, settings.topic, events);
  const { config, problems } = checkConfig({
    source: { type: "kafka", topic: settings.topic },
    sink: { type: "none" },
    store: { path: stack.redis!.address },
    redis: { prefix: `composed-${++serial}` },
    kafka: Object.fromEntries(Object.entries(settings).filter(([name]) => name !== "topic")),
    http: { port: 0 },
    runner: { workers: 0 },
    stream: SCALE_OUT_STREAM,
  });
  assert.deepEqual(problems, []);
  const pipeline = await startPipeline(config!, { logger: createLogger({ level: "silent" }), metrics: new PipelineMetrics({ defaultMetrics: false }) });
  after(() => pipeline.stop());
  const url = `http://127.0.0.1:${pipeline.port}/`;
  const expected = windowsById(await embeddedResults(events)).size;
  let seen = 0;
  await waitFor("the live feed's results", async () => {
    const batch = (await (await fetch(`${url}api/live/poll?since=0`)).json()) as { results: unknown[]; statuses: Array<{ windows: number }> };
    seen = batch.statuses.reduce((n, s) => n + s.windows, 0);
    return seen === expected;
  });
  assert.equal(seen, expected, "every window reached the page's feed");
  assert.equal((await fetch(`${url}ready`)).status, 200);
  await pipeline.stop();
});

// Last in the file: a server that did not come back would fail every test after it.
for (const server of ["redis", "kafka"] as const) {
  test(`a ${server === "kafka" ? "broker" : "Redis"} restart mid-stream: nothing lost, repeats only with the same ids`, { timeout: 480_000 }, async () => {
    const settings = testKafkaSettings(brokers);
    await createTopic(brokers, settings.topic, 6);
    const events = circleEvents(8, 160, 2);
    const expected = windowsById(await embeddedResults(events));
    const half = events.length / 2;
    await produce(brokers, settings.topic, events.slice(0, half));
    const instance = await startInstance(settings, `restart-${++serial}`, `restart-${process.pid}-${serial}`);
    await waitFor("a first checkpoint", async () => (await instance.store.keys()).length > 0, 120_000);
    const generations = instance.runner.generations;
    await stack[server]!.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await stack[server]!.start();
    await produce(brokers, settings.topic, events.slice(half));
    const got = await resultsOnTopic(brokers, settings, expected, 180_000);
    assert.deepEqual([...got].sort(), [...expected].sort());
    await waitFor("every key's latest result in Redis", async () => {
      for (let k = 0; k < 8; k++) {
        const latest = (await instance.store.latest(`sensor-${k}`)) as { lastSeq: number } | undefined;
        if (latest?.lastSeq !== 159) return false;
      }
      return true;
    });
    assert.ok(instance.runner.generations >= generations, "the runtime went on (restarting its runner if it had to)");
  });
}

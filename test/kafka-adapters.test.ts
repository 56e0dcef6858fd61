import assert from "node:assert/strict";
import { after, test } from "node:test";
import { KafkaGroupMember } from "../src/adapters/kafka/group-member.ts";
import { KafkaSink } from "../src/adapters/kafka/kafka-sink.ts";
import { KafkaPartitionSource, readPosition } from "../src/adapters/kafka/partition-source.ts";
import { RawBytesKeeper } from "../src/adapters/kafka/raw-bytes.ts";
import type { SourceRecord } from "../src/adapters/types.ts";
import type { DeadLetter, OutputRecord } from "../src/stream/types.ts";
import { createTopic, produce, readTopic, testKafkaSettings } from "./helpers/kafka.ts";
import { useServers } from "./helpers/servers.ts";

const brokers = (await useServers("kafka")).kafka!.address;

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

import { Admin, Consumer, Producer, type Message } from "@platformatic/kafka";
import type { KafkaSettings } from "../../src/adapters/kafka/settings.ts";
import { checkConfig } from "../../src/service/config/config.ts";
import type { OutputRecord } from "../../src/adapters/types.ts";
import { windowsById } from "./scale-out.ts";

let topicSerial = 0;

/** Settings for a test: fresh topic and group names, quick group timeouts. */
export function testKafkaSettings(brokers: string, overrides: Partial<KafkaSettings> = {}): KafkaSettings {
  const tag = `${process.pid}-${Date.now().toString(36)}-${++topicSerial}`;
  return {
    ...checkConfig({}).config!.kafka,
    brokers: [brokers],
    clientId: `test-${tag}`,
    topic: `events-${tag}`,
    groupId: `group-${tag}`,
    resultsTopic: `results-${tag}`,
    featuresTopic: `features-${tag}`,
    deadLetterTopic: `dead-letters-${tag}`,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 1000,
    maxPollIntervalMs: 10_000,
    fetchMinBytes: 1,
    fetchMaxWaitMs: 100,
    retries: 40,
    retryDelayMs: 250,
    ...overrides,
  };
}

export async function createTopic(brokers: string, topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: "test-admin", bootstrapBrokers: [brokers] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Produces values keyed as given (the default partitioner hashes the key), acks=all. */
export async function produce(brokers: string, topic: string, messages: Array<{ key: string; value: Buffer | string }>): Promise<void> {
  const producer = new Producer({ clientId: "test-producer", bootstrapBrokers: [brokers], acks: -1 });
  try {
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({
        messages: messages.slice(i, i + 1000).map((m) => ({ topic, key: Buffer.from(m.key), value: Buffer.isBuffer(m.value) ? m.value : Buffer.from(m.value) })),
      });
    }
  } finally {
    await producer.close();
  }
}

/** Every message of `topic` from the beginning until `count` have arrived (or the timeout passes). */
export function readTopic(brokers: string, topic: string, count: number, timeoutMs = 30_000): Promise<Message<Buffer, Buffer, Buffer, Buffer>[]> {
  return readUntil(brokers, topic, (messages) => messages.length >= count, timeoutMs);
}

/** Messages of `topic` from the beginning until `enough` says so (or the timeout passes). */
export async function readUntil(
  brokers: string,
  topic: string,
  enough: (messages: Message<Buffer, Buffer, Buffer, Buffer>[]) => boolean,
  timeoutMs = 30_000,
): Promise<Message<Buffer, Buffer, Buffer, Buffer>[]> {
  const consumer = new Consumer({ clientId: "test-reader", groupId: `reader-${topic}-${Date.now()}`, bootstrapBrokers: [brokers], autocommit: false, maxWaitTime: 100 });
  const out: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  try {
    const stream = await consumer.consume({ topics: [topic], mode: "earliest" });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      stream.on("data", (m) => {
        out.push(m);
        if (enough(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return out;
}

/** Window results on the results topic, by id, once every expected id is there. */
export async function resultsOnTopic(brokers: string, settings: KafkaSettings, expected: Map<string, string>, timeoutMs: number): Promise<Map<string, string>> {
  const seen = new Set<string>();
  const messages = await readUntil(
    brokers,
    settings.resultsTopic!,
    (ms) => {
      for (let i = seen.size === 0 ? 0 : ms.length - 1; i < ms.length; i++) seen.add(JSON.parse(ms[i].value.toString()).id);
      return [...expected.keys()].every((id) => seen.has(id));
    },
    timeoutMs,
  );
  return windowsById(messages.map((m) => JSON.parse(m.value.toString()) as OutputRecord));
}

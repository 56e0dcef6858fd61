import { Producer, type MessageToProduce } from "@platformatic/kafka";
import type { DeadLetter } from "../../stream/types.ts";
import type { OutputRecord, Sink } from "../types.ts";
import { outputJson } from "../output-json.ts";
import { kafkaOrigin } from "./partition-source.ts";
import type { RawBytesKeeper } from "./raw-bytes.ts";
import { baseClientOptions, type KafkaSettings } from "./settings.ts";

type Produced = MessageToProduce<Buffer, Buffer, Buffer, Buffer>;

/**
 * Outputs to Kafka: window results to the results topic and feature events to the features
 * topic (JSON, keyed by the event key so one key's outputs stay in order), dead letters to the
 * dead-letter topic. A dead letter's value is the input exactly as it arrived; its reason,
 * detail and origin (topic, partition, offset, or the file line or HTTP request) travel in
 * headers. A write resolves when the broker has acknowledged every message (acks=all).
 */
export class KafkaSink implements Sink {
  readonly kind = "kafka";
  private readonly settings: KafkaSettings;
  private readonly producer: Producer<Buffer, Buffer, Buffer, Buffer>;
  private readonly rawBytes: RawBytesKeeper | undefined;
  produced = 0;

  constructor(settings: KafkaSettings, options: { rawBytes?: RawBytesKeeper } = {}) {
    this.settings = settings;
    this.rawBytes = options.rawBytes;
    this.producer = new Producer({
      ...baseClientOptions(settings, "producer"),
      idempotent: settings.idempotent,
      acks: -1,
      compression: settings.compression,
      autocreateTopics: true,
    });
  }

  async write(records: readonly OutputRecord[]): Promise<void> {
    const { resultsTopic, featuresTopic, deadLetterTopic, batchBytes } = this.settings;
    const messages: Produced[] = [];
    for (const r of records) {
      if (r.type === "window") {
        if (resultsTopic) messages.push(jsonMessage(resultsTopic, r.key, r));
      } else if (r.type === "dead_letter") {
        if (deadLetterTopic) messages.push(this.deadLetterMessage(deadLetterTopic, r));
      } else if (featuresTopic) {
        messages.push(jsonMessage(featuresTopic, r.key, r));
      }
    }
    // Sent in order, at most batchBytes per request: one key's messages keep their order.
    let start = 0;
    while (start < messages.length) {
      let end = start;
      let bytes = 0;
      while (end < messages.length && (end === start || bytes + messageBytes(messages[end]) <= batchBytes)) {
        bytes += messageBytes(messages[end]);
        end++;
      }
      await this.producer.send({ messages: messages.slice(start, end) });
      this.produced += end - start;
      start = end;
    }
  }

  private deadLetterMessage(topic: string, letter: DeadLetter): Produced {
    const src = letter.source;
    const origin = kafkaOrigin(src);
    const exact = origin ? this.rawBytes?.take(origin.partition, origin.offset) : undefined;
    const value = exact ?? Buffer.from(typeof letter.raw === "string" ? letter.raw : JSON.stringify(letter.raw) ?? "", "utf8");
    const headers: Array<[string, string]> = [
      ["reason", letter.reason],
      ["detail", letter.detail],
      ["source-kind", src.kind],
    ];
    if (origin) {
      headers.push(["source-topic", origin.topic], ["source-partition", String(origin.partition)], ["source-offset", origin.offset]);
    } else {
      headers.push(["source", JSON.stringify(src)]);
    }
    return {
      topic,
      key: letter.key === undefined ? undefined : Buffer.from(letter.key),
      value,
      headers: new Map(headers.map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
    };
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}

function jsonMessage(topic: string, key: string, record: OutputRecord): Produced {
  return { topic, key: Buffer.from(key), value: outputJson(record) };
}

function messageBytes(m: Produced): number {
  return (m.key?.length ?? 0) + (m.value?.length ?? 0) + 64;
}

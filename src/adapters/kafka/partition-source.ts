import { isUtf8 } from "node:buffer";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Message } from "@platformatic/kafka";
import type { RecordOrigin } from "../../stream/types.ts";
import type { Source, SourcePosition, SourceRecord } from "../types.ts";
import type { KafkaGroupMember, KafkaStream } from "./group-member.ts";
import type { RawBytesKeeper } from "./raw-bytes.ts";

/** A Kafka source position: per partition (as a string), the next offset to read (as a string). */
export type KafkaPosition = Record<string, string>;

export interface KafkaPartitionSourceOptions {
  /** The partitions this source reads; records of any other are ignored. */
  partitions: readonly number[];
  batchSize: number;
  /** Records fetched but not yet taken by the runner, above which the stream is paused. */
  maxBuffered?: number;
  /** Values longer than this many bytes keep their exact bytes for the dead-letter topic. */
  maxRawBytes?: number;
  rawBytes: RawBytesKeeper;
  /** Reports a stream failure that is retried (a broker gone); the source reopens on its own. */
  onStreamError?: (err: Error) => void;
}

/**
 * The records of some partitions of the topic, each from an exact offset: the offsets of the
 * checkpoint the runner restored (`batches(from)`), or the partition's earliest offset when it
 * has none. Batches carry as position the next offset of every partition read so far.
 *
 * Backpressure: records wait in a bounded buffer; above it the stream is paused, so the
 * partitions stop fetching rather than the buffer growing. A stream that fails (a broker
 * restart) is reopened at the next offsets not yet delivered, after a delay.
 */
export class KafkaPartitionSource implements Source {
  readonly kind = "kafka";
  readonly replayable = true;
  private readonly member: KafkaGroupMember;
  private readonly options: Required<Omit<KafkaPartitionSourceOptions, "onStreamError">> & Pick<KafkaPartitionSourceOptions, "onStreamError">;
  private readonly owned: Set<number>;
  /** Next offset to deliver, per owned partition. */
  private readonly next = new Map<number, bigint>();
  private stream: KafkaStream | undefined;
  private buffer: Message<Buffer, Buffer, Buffer, Buffer>[] = [];
  private wake: (() => void) | undefined;
  private streamFailure: Error | undefined;
  private pausedByRunner = false;
  private closed = false;

  constructor(member: KafkaGroupMember, options: KafkaPartitionSourceOptions) {
    this.member = member;
    this.options = { maxBuffered: options.batchSize * 8, maxRawBytes: 65_536, onStreamError: undefined, ...options };
    this.owned = new Set(options.partitions);
  }

  get connected(): boolean {
    return !this.closed && this.streamFailure === undefined && this.member.connected;
  }

  get paused(): boolean {
    return this.pausedByRunner;
  }

  /** The partitions read, and the next offset of each delivered so far. */
  positions(): Map<number, bigint> {
    return new Map(this.next);
  }

  pause(): void {
    this.pausedByRunner = true;
    this.stream?.pause();
  }

  resume(): void {
    this.pausedByRunner = false;
    if (this.buffer.length < this.options.maxBuffered) this.stream?.resume();
    this.poke();
  }

  async commit(position: SourcePosition): Promise<void> {
    const offsets = readPosition(position);
    for (const [partition, offset] of offsets) this.options.rawBytes.release(partition, offset);
    await this.member.commit(offsets);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poke();
    const stream = this.stream;
    this.stream = undefined;
    await stream?.close().catch(() => undefined);
  }

  async *batches(from: SourcePosition | undefined): AsyncIterable<SourceRecord[]> {
    const stored = readPosition(from);
    const missing = [...this.owned].filter((p) => !stored.has(p));
    const earliest = missing.length > 0 ? await this.earliestOffsets() : [];
    for (const p of this.owned) this.next.set(p, stored.get(p) ?? earliest[p] ?? 0n);
    if (this.owned.size === 0) {
      // Nothing assigned: wait until closed (a rebalance replaces this source).
      while (!this.closed) await this.waitForRecords();
      return;
    }
    await this.open();
    try {
      while (!this.closed) {
        if (this.streamFailure) {
          await this.reopen();
          continue;
        }
        if (this.buffer.length === 0 || this.pausedByRunner) {
          await this.waitForRecords();
          continue;
        }
        const batch = this.take();
        if (batch.length > 0) yield batch;
      }
    } finally {
      await this.close();
    }
  }

  private async earliestOffsets(): Promise<bigint[]> {
    const offsets = await this.member.consumer.listOffsets({ topics: [this.member.settings.topic], timestamp: -2n });
    return offsets.get(this.member.settings.topic) ?? [];
  }

  private async open(): Promise<void> {
    const stream = await this.member.openStream(this.next);
    if (this.closed) {
      await stream.close().catch(() => undefined);
      return;
    }
    this.stream = stream;
    this.streamFailure = undefined;
    stream.on("data", (message) => {
      if (this.stream !== stream) return;
      this.buffer.push(message);
      if (this.buffer.length >= this.options.maxBuffered) stream.pause();
      this.poke();
    });
    stream.on("error", (err) => {
      if (this.stream !== stream || this.closed) return;
      this.streamFailure = err;
      this.options.onStreamError?.(err);
      this.poke();
    });
    if (this.pausedByRunner) stream.pause();
  }

  private async reopen(): Promise<void> {
    const failed = this.stream;
    this.stream = undefined;
    await failed?.close().catch(() => undefined);
    // Records buffered from the failed stream are still good: keep them, they are in order.
    await sleep(this.member.settings.retryDelayMs);
    if (this.closed) return;
    try {
      await this.open();
    } catch (err) {
      this.streamFailure = err as Error;
      this.options.onStreamError?.(err as Error);
    }
  }

  /** Up to batchSize buffered records of owned partitions, each at its partition's next offset or later. */
  private take(): SourceRecord[] {
    const { batchSize, maxRawBytes, rawBytes } = this.options;
    const topic = this.member.settings.topic;
    const count = Math.min(batchSize, this.buffer.length);
    const messages = this.buffer.splice(0, count);
    if (this.buffer.length < this.options.maxBuffered && !this.pausedByRunner) this.stream?.resume();
    const records: SourceRecord[] = [];
    const arrivedAt = performance.now();
    for (const m of messages) {
      const expected = this.next.get(m.partition);
      // Another partition (assigned after this source opened) or a record delivered already.
      if (expected === undefined || m.offset < expected) continue;
      this.next.set(m.partition, m.offset + 1n);
      const bytes = m.value ?? Buffer.alloc(0);
      if (bytes.length > maxRawBytes || !isUtf8(bytes)) rawBytes.keep(m.partition, m.offset, bytes);
      records.push({
        raw: bytes.toString("utf8"),
        format: "json",
        source: { kind: "kafka", topic, partition: m.partition, offset: String(m.offset) },
        position: null,
        arrivedAt,
      });
    }
    if (records.length > 0) {
      const position = writePosition(this.next);
      for (const r of records) r.position = position;
    }
    return records;
  }

  private waitForRecords(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Where a record came from, when it came from Kafka. */
export function kafkaOrigin(origin: RecordOrigin): { topic: string; partition: number; offset: string } | undefined {
  const { kind, topic, partition, offset } = origin;
  if (kind !== "kafka" || typeof topic !== "string" || typeof partition !== "number" || typeof offset !== "string") return undefined;
  return { topic, partition, offset };
}

export function readPosition(position: SourcePosition | undefined): Map<number, bigint> {
  const offsets = new Map<number, bigint>();
  if (position && typeof position === "object") {
    for (const [p, o] of Object.entries(position)) {
      if (typeof o === "string" && /^\d+$/.test(o) && /^\d+$/.test(p)) offsets.set(Number(p), BigInt(o));
    }
  }
  return offsets;
}

export function writePosition(offsets: Map<number, bigint>): KafkaPosition {
  const position: KafkaPosition = {};
  for (const [p, o] of offsets) position[String(p)] = String(o);
  return position;
}

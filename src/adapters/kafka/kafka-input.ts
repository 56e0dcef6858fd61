import type { PartitionedInput, Source, SourceRecord } from "../types.ts";
import { KafkaGroupMember } from "./group-member.ts";
import { kafkaOrigin, KafkaPartitionSource } from "./partition-source.ts";
import type { RawBytesKeeper } from "./raw-bytes.ts";
import type { KafkaSettings } from "./settings.ts";

/** The Kafka topic as the runtime sees it: the group membership, and sources over assigned partitions. */
export class KafkaInput implements PartitionedInput {
  readonly kind = "kafka";
  readonly name: string;
  readonly member: KafkaGroupMember;
  private readonly batchSize: number;
  private readonly rawBytes: RawBytesKeeper;
  private readonly onStreamError: ((err: Error) => void) | undefined;

  constructor(settings: KafkaSettings, options: { batchSize: number; rawBytes: RawBytesKeeper; onStreamError?: (err: Error) => void }) {
    this.name = settings.topic;
    this.member = new KafkaGroupMember(settings);
    this.batchSize = options.batchSize;
    this.rawBytes = options.rawBytes;
    this.onStreamError = options.onStreamError;
  }

  get connected(): boolean {
    return this.member.connected;
  }

  join(): Promise<void> {
    return this.member.join();
  }

  assigned(): readonly number[] {
    return this.member.assigned();
  }

  onChange(listener: (partitions: readonly number[]) => void): void {
    this.member.onChange(listener);
  }

  open(partitions: readonly number[]): Source {
    return new KafkaPartitionSource(this.member, { partitions, batchSize: this.batchSize, rawBytes: this.rawBytes, onStreamError: this.onStreamError });
  }

  partitionOf(record: SourceRecord): number | undefined {
    return kafkaOrigin(record.source)?.partition;
  }

  async endOffsets(): Promise<Map<number, number>> {
    const ends = await this.member.endOffsets();
    return new Map(ends.map((offset, partition) => [partition, Number(offset)]));
  }

  close(): Promise<void> {
    return this.member.close();
  }
}

import { Admin } from "@platformatic/kafka";
import { baseClientOptions, type KafkaSettings } from "./settings.ts";

/** Per partition of the topic, the offsets a restore may point the group at: from the log's start to its end. */
export interface PartitionBounds {
  earliest: bigint;
  latest: bigint;
}

/**
 * The consumer group's committed offsets on the source topic, read and written from outside
 * the group (as kafka-consumer-groups.sh does): for backups and restores, while no member runs.
 */
export class KafkaGroupOffsets {
  readonly settings: KafkaSettings;
  private readonly admin: Admin;

  constructor(settings: KafkaSettings) {
    this.settings = settings;
    this.admin = new Admin(baseClientOptions(settings, "admin"));
  }

  /**
   * The group's state as the broker reports it ("Empty", "Stable", "Reconciling", …), or
   * undefined when the broker knows no such group (it never committed, or was deleted).
   */
  async groupState(): Promise<string | undefined> {
    // Without the types, the broker lists classic groups only; DescribeGroups reports a
    // KIP-848 group as Dead even while it has members.
    const groups = await this.admin.listGroups({ types: ["classic", "consumer"] });
    return groups.get(this.settings.groupId)?.state;
  }

  /** The group's committed next-offset of each partition of the topic that has one. */
  async committed(): Promise<Map<number, bigint>> {
    const { groupId, topic } = this.settings;
    const [group] = await this.admin.listConsumerGroupOffsets({ groups: [groupId] });
    const offsets = new Map<number, bigint>();
    for (const t of group?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) if (p.committedOffset >= 0n) offsets.set(p.partitionIndex, p.committedOffset);
    }
    return offsets;
  }

  /** Each partition of the topic with its earliest and latest offsets; empty when the topic does not exist. */
  async bounds(): Promise<Map<number, PartitionBounds>> {
    const { topic } = this.settings;
    if (!(await this.admin.listTopics()).includes(topic)) return new Map();
    const metadata = await this.admin.metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const at = async (timestamp: bigint) => {
      const [listed] = await this.admin.listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp })) }] });
      return new Map(listed.partitions.map((p) => [p.partitionIndex, p.offset]));
    };
    // Kafka's special timestamps: -2 asks for the earliest offset, -1 for the latest.
    const [earliest, latest] = await Promise.all([at(-2n), at(-1n)]);
    return new Map([...latest].map(([p, end]) => [p, { earliest: earliest.get(p) ?? 0n, latest: end }]));
  }

  /** Sets the group's committed offsets; the broker refuses while the group has members. */
  async commit(offsets: ReadonlyMap<number, bigint>): Promise<void> {
    if (offsets.size === 0) return;
    const { groupId, topic } = this.settings;
    await this.admin.alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: [...offsets].map(([partition, offset]) => ({ partition, offset })) }],
    });
  }

  close(): Promise<void> {
    return this.admin.close();
  }
}

import { Consumer, type MessagesStream } from "@platformatic/kafka";
import { baseClientOptions, type KafkaSettings } from "./settings.ts";

export type KafkaStream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/** How often the assignment is compared with the last one seen, besides on group events. */
const ASSIGNMENT_POLL_MS = 200;
const CLOSE_TIMEOUT_MS = 5000;

/**
 * One instance's membership in the consumer group. The client announces no partition-level
 * revoke or assign (and under KIP-848 a takeover fires no event at all), so the assignment
 * is diffed against the last one seen on every group event, every heartbeat and a short
 * timer; listeners hear of each change with the new set of partitions.
 *
 * Records are read through streams opened at exact offsets (the client has no seek()): the
 * member keeps the topic subscribed itself, so closing one stream and opening the next does
 * not make the client leave and rejoin the group.
 */
export class KafkaGroupMember {
  readonly settings: KafkaSettings;
  readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private current: number[] = [];
  private readonly listeners: Array<(partitions: number[]) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Rebalances seen (assignment changes after the first). */
  rebalances = 0;

  constructor(settings: KafkaSettings) {
    this.settings = settings;
    // The client checks the session timeout and heartbeat against the rebalance timeout under
    // both protocols, though only the classic one sends them to the broker.
    const timing = {
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: Math.max(settings.maxPollIntervalMs, settings.sessionTimeoutMs),
    };
    const group = settings.groupProtocol === "consumer" ? { groupProtocol: "consumer" as const, ...timing } : { groupProtocol: "classic" as const, ...timing };
    this.consumer = new Consumer({
      ...baseClientOptions(settings, "consumer"),
      groupId: settings.groupId,
      ...group,
      autocommit: false,
      minBytes: settings.fetchMinBytes,
      maxWaitTime: settings.fetchMaxWaitMs,
      maxBytesPerPartition: settings.maxPartitionFetchBytes,
    });
    const check = () => this.check();
    for (const event of ["consumer:group:join", "consumer:group:rebalance", "consumer:group:leave", "consumer:heartbeat:end"] as const) {
      this.consumer.on(event, check);
    }
  }

  /** Joins the group and resolves once the first assignment is known. */
  async join(): Promise<void> {
    const { topic } = this.settings;
    // consume() is the client's way to join; this first stream only subscribes.
    const first = await this.consumer.consume({ topics: [topic], mode: "manual", offsets: [] });
    this.consumer.topics.track(topic);
    await first.close();
    this.timer = setInterval(() => this.check(), ASSIGNMENT_POLL_MS);
    this.timer.unref();
    this.check();
  }

  /** Partitions of the topic this member holds now, ascending. */
  assigned(): number[] {
    return this.current;
  }

  /** Called with the new partitions whenever the assignment changes. */
  onChange(listener: (partitions: number[]) => void): void {
    this.listeners.push(listener);
  }

  /**
   * False while the group client's own connections (coordinator, metadata) are down or
   * reconnecting, or the member left the group. The record streams' connections are left
   * out: a stream closed for a rebalance or a restart is not a broker away.
   */
  get connected(): boolean {
    return !this.closed && this.consumer.isConnected();
  }

  /** A stream of exactly `offsets`' partitions, each from its offset (the next record to read). */
  openStream(offsets: Map<number, bigint>): Promise<KafkaStream> {
    const topic = this.settings.topic;
    return this.consumer.consume({
      topics: [topic],
      mode: "manual",
      offsets: [...offsets].map(([partition, offset]) => ({ topic, partition, offset })),
      // A partition assigned after this stream opened is read from a stream opened for it.
      fallbackMode: "latest",
    });
  }

  /** Commits next-offsets to the group (for lag tools; resuming goes by the state store's offsets). */
  async commit(offsets: Map<number, bigint>): Promise<void> {
    const topic = this.settings.topic;
    const mine = new Set(this.current);
    const list = [...offsets].filter(([p]) => mine.has(p)).map(([partition, offset]) => ({ topic, partition, offset, leaderEpoch: -1 }));
    if (list.length > 0) await this.consumer.commit({ offsets: list });
  }

  /** The log-end offset of each partition of the topic. */
  async endOffsets(): Promise<bigint[]> {
    const offsets = await this.consumer.listOffsets({ topics: [this.settings.topic] });
    return offsets.get(this.settings.topic) ?? [];
  }

  private check(): void {
    if (this.closed) return;
    const assignment = this.consumer.assignments?.find((a) => a.topic === this.settings.topic);
    const next = assignment ? [...assignment.partitions].sort((a, b) => a - b) : [];
    if (next.length === this.current.length && next.every((p, i) => p === this.current[i])) return;
    this.current = next;
    this.rebalances++;
    for (const listener of this.listeners) listener(next);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.consumer.topics.untrack(this.settings.topic);
    // Leaving the group hands the partitions over at once; a broker that is down cannot be
    // told, so after a while the client is closed without it (the session timeout does it).
    const left = this.consumer.close().then(() => true, () => false);
    const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS, false).unref());
    if (!(await Promise.race([left, timeout]))) await this.consumer.close(true).catch(() => undefined);
  }
}

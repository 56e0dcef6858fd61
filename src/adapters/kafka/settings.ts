/**
 * What the Kafka adapters need to know, with the defaults the consumer group is operated with. The config schema
 * declares these settings; the composition root passes them here.
 */
export interface KafkaSettings {
  /** Bootstrap brokers, "host:port". */
  brokers: string[];
  clientId: string;
  /** Topic events are read from. */
  topic: string;
  groupId: string;
  /**
   * "consumer" is Kafka 4's KIP-848 protocol (the broker assigns; session timeout and heartbeat
   * are the broker's group.consumer.* settings); "classic" is the join/sync protocol, where the
   * session timeout and heartbeat below apply.
   */
  groupProtocol: "consumer" | "classic";
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Longest a member may take to rejoin during a rebalance (Kafka's max.poll.interval.ms). */
  maxPollIntervalMs: number;
  /** fetch.min.bytes: the broker answers a fetch once this much is ready, or after fetchMaxWaitMs. */
  fetchMinBytes: number;
  fetchMaxWaitMs: number;
  /** max.partition.fetch.bytes */
  maxPartitionFetchBytes: number;
  /** Results, feature events and dead letters go to these topics; null leaves one out. */
  resultsTopic: string | null;
  featuresTopic: string | null;
  deadLetterTopic: string | null;
  /**
   * Producer: compression codec, most bytes per produce request, idempotence (acks=all).
   * There is no linger: the runner hands the sink one write at a time (the outputs of every
   * batch that became ready while the last write was out) and waits for its
   * acknowledgement, so each write is sent at once, split at batchBytes. The split
   * requests go one after another (one key's results keep their order), so a small
   * batchBytes costs one round trip per batchBytes of results: the default is the broker's
   * default largest message batch, 1 MiB, not the Java client's 64 KiB per partition.
   */
  compression: "lz4" | "snappy" | "gzip" | "zstd" | "none";
  batchBytes: number;
  idempotent: boolean;
  /** Retries of one broker request before the error reaches the pipeline, and the delay between them. */
  retries: number;
  retryDelayMs: number;
}

export const DEFAULT_KAFKA: KafkaSettings = {
  brokers: ["127.0.0.1:9092"],
  clientId: "streaming-tda",
  topic: "streaming-tda-events",
  groupId: "streaming-tda-consumers",
  groupProtocol: "consumer",
  sessionTimeoutMs: 60_000,
  heartbeatIntervalMs: 20_000,
  maxPollIntervalMs: 300_000,
  fetchMinBytes: 1,
  fetchMaxWaitMs: 100,
  maxPartitionFetchBytes: 10_485_760,
  resultsTopic: "streaming-tda-results",
  featuresTopic: "streaming-tda-features",
  deadLetterTopic: "streaming-tda-dead-letters",
  compression: "lz4",
  batchBytes: 1_048_576,
  idempotent: true,
  retries: 20,
  retryDelayMs: 500,
};

/** The client options every Kafka client of the pipeline shares. */
export function baseClientOptions(settings: KafkaSettings, role: string) {
  return {
    clientId: `${settings.clientId}-${role}`,
    bootstrapBrokers: settings.brokers,
    retries: settings.retries,
    retryDelay: settings.retryDelayMs,
  };
}

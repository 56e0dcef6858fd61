/**
 * What the Kafka adapters need to know. The config schema declares these settings with their
 * defaults and bounds (kafka.*); the composition root passes them here.
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

/** The client options every Kafka client of the pipeline shares. */
export function baseClientOptions(settings: KafkaSettings, role: string) {
  return {
    clientId: `${settings.clientId}-${role}`,
    bootstrapBrokers: settings.brokers,
    retries: settings.retries,
    retryDelay: settings.retryDelayMs,
  };
}

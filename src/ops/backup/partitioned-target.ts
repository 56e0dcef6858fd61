import { KafkaGroupOffsets } from "../../adapters/kafka/group-offsets.ts";
import { RedisStateStore } from "../../adapters/redis/redis-store.ts";
import { StaleEpochError, WHOLE_STATE, type PartitionedStateCopy, type StateStore } from "../../adapters/types.ts";
import type { PipelineConfig } from "../../service/config/config.ts";
import { isRedisPath, kafkaSettings, redisStoreOptions } from "../../service/pipeline.ts";
import { logStatePartition } from "../../service/runtime/partitioned-runner.ts";
import { TdaInputError } from "../../tda/types.ts";

/**
 * What a backup or restore of a Redis store works on: the store the config names, and for a
 * Kafka source the consumer group's offsets on its topic.
 */
export interface PartitionedTarget {
  store: StateStore & PartitionedStateCopy;
  /** Runs `fn` against the store; a failure there (no answer, refused) becomes one line naming it. */
  atStore<T>(fn: (store: StateStore & PartitionedStateCopy) => Promise<T>): Promise<T>;
  /** Runs `fn` against the group (for a Kafka source); a failure of the brokers becomes one line naming them. */
  atGroup<T>(fn: (group: KafkaGroupOffsets) => Promise<T>): Promise<T>;
  /** For a Kafka source: the group's committed offsets on the topic. */
  group: KafkaGroupOffsets | undefined;
  /** The store for people: its URL without a password, and the key prefix. */
  where: string;
  /** Whether a pipeline of this config keeps its state under this state partition's name. */
  ownsPartition(name: string): boolean;
  close(): Promise<void>;
}

/** How long a backup or restore waits for an answer from Redis once connected. */
const REDIS_TIMEOUT_MS = 15_000;

/** `fn`, with a failure that is not already one line for the user turned into one naming `where`. */
async function reaching<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TdaInputError || err instanceof StaleEpochError) throw err;
    // The Kafka client nests its attempts' errors: the innermost first one says what went wrong.
    let cause = err as Error & { errors?: Error[] };
    while (cause.errors?.[0]) cause = cause.errors[0];
    throw new TdaInputError(`${where}: ${(err as Error).message}${cause !== err ? ` (${cause.message})` : ""}`);
  }
}

export async function openPartitionedTarget(config: PipelineConfig): Promise<PartitionedTarget> {
  if (!config.store || !isRedisPath(config.store.path)) throw new TdaInputError("the config names no Redis store (store.path redis://…)");
  const url = new URL(config.store.path);
  if (url.password) url.password = "***";
  const where = `${url.toString()} prefix ${config.redis.prefix}`;
  const store = new RedisStateStore({ ...redisStoreOptions(config, config.store.path), commandTimeoutMs: REDIS_TIMEOUT_MS, reconnect: false });
  const source = config.source;
  const settings = source.type === "kafka" ? kafkaSettings(config, source.topic) : undefined;
  const group = settings ? new KafkaGroupOffsets(settings) : undefined;
  const ownsPartition = (name: string) => {
    if (source.type !== "kafka") return name === WHOLE_STATE;
    const partition = Number(name.slice(name.lastIndexOf(":") + 1));
    return Number.isInteger(partition) && logStatePartition(source.topic, partition) === name;
  };
  return {
    store,
    group,
    where,
    atStore: (fn) => reaching(where, () => fn(store)),
    atGroup: (fn) => {
      if (!group || !settings) throw new TdaInputError("the config's source is not Kafka: there is no consumer group");
      return reaching(`Kafka ${settings.brokers.join(",")} group ${settings.groupId}`, () => fn(group));
    },
    ownsPartition,
    async close() {
      await Promise.all([store.close(), group?.close()]);
    },
  };
}

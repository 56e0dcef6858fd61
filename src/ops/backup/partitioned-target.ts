import { KafkaGroupOffsets } from "../../adapters/kafka/group-offsets.ts";
import { WHOLE_STATE, type PartitionedStateCopy, type StateStore } from "../../adapters/types.ts";
import type { PipelineConfig } from "../../service/config/config.ts";
import { createStore, kafkaSettings } from "../../service/pipeline.ts";
import { logStatePartition } from "../../service/runtime/partitioned-runner.ts";
import { TdaInputError } from "../../tda/types.ts";

/**
 * What a backup or restore of a Redis store works on: the store the config names, and for a
 * Kafka source the consumer group's offsets on its topic.
 */
export interface PartitionedTarget {
  store: StateStore & PartitionedStateCopy;
  /** For a Kafka source: the group's committed offsets on the topic. */
  group: KafkaGroupOffsets | undefined;
  /** The store for people: its URL without a password, and the key prefix. */
  where: string;
  /** Whether a pipeline of this config keeps its state under this state partition's name. */
  ownsPartition(name: string): boolean;
  close(): Promise<void>;
}

export function isRedisPath(path: string): boolean {
  return /^rediss?:\/\//.test(path);
}

function hasStateCopy(store: StateStore): store is StateStore & PartitionedStateCopy {
  return typeof (store as Partial<PartitionedStateCopy>).replacePartitions === "function";
}

export async function openPartitionedTarget(config: PipelineConfig): Promise<PartitionedTarget> {
  if (!config.store || !isRedisPath(config.store.path)) throw new TdaInputError("the config names no Redis store (store.path redis://…)");
  const url = new URL(config.store.path);
  if (url.password) url.password = "***";
  const where = `${url.toString()} prefix ${config.redis.prefix}`;
  const store = await createStore(config);
  if (!hasStateCopy(store)) {
    await store.close();
    throw new TdaInputError(`${where}: this store cannot copy its state partitions`);
  }
  const source = config.source;
  const group = source.type === "kafka" ? new KafkaGroupOffsets(kafkaSettings(config, source.topic)) : undefined;
  const ownsPartition = (name: string) => {
    if (source.type !== "kafka") return name === WHOLE_STATE;
    const partition = Number(name.slice(name.lastIndexOf(":") + 1));
    return Number.isInteger(partition) && logStatePartition(source.topic, partition) === name;
  };
  return {
    store,
    group,
    where,
    ownsPartition,
    async close() {
      await Promise.all([store.close(), group?.close()]);
    },
  };
}

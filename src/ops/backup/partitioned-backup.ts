import { serialize } from "node:v8";
import type { PartitionState, SourcePosition } from "../../adapters/types.ts";
import type { PipelineConfig } from "../../service/config/config.ts";
import { TdaInputError } from "../../tda/types.ts";
import { sealArchive, type Manifest } from "./archive.ts";
import { archiveInfo, encodeResults, ENTRY, recentResults } from "./entries.ts";
import { openPartitionedTarget } from "./partitioned-target.ts";
import { readNamedFile } from "../read-file.ts";

/** The partitions entry: what each state partition resumes from, and the consumer group's offsets. */
export interface PartitionsEntry {
  /** Per state partition, the source position its checkpoint covers. */
  partitions: Record<string, SourcePosition | null>;
  /** For a Kafka source: the group's committed next-offset per partition of the topic. */
  group: { id: string; topic: string; offsets: Record<string, string> } | null;
}

export interface PartitionedBackupOptions {
  /** The pipeline's config: its Redis store (store.path redis://…, redis.*) and, for a Kafka source, the topic and group. */
  config: PipelineConfig;
  /** The config file, archived as it is. */
  configPath?: string;
  resultsHours: number;
  key: Buffer;
}

export interface PartitionedBackupResult {
  archive: Buffer;
  manifest: Manifest;
  where: string;
  partitions: PartitionState[];
  keys: number;
  results: number;
  group: PartitionsEntry["group"];
}

/**
 * One archive of a Redis store: each state partition's checkpoint with its offset and every
 * evicted key's state, each read at one instant; each key's recent results; and for a Kafka
 * source the group's committed offsets. The group's offsets are read first: the runner
 * commits only offsets its checkpoints cover, so the archived offsets never run ahead of the
 * archived state, even while instances run.
 */
export async function createPartitionedBackup(options: PartitionedBackupOptions): Promise<PartitionedBackupResult> {
  const { config, configPath } = options;
  const configBytes = configPath === undefined ? undefined : readNamedFile(configPath, "config");
  const target = await openPartitionedTarget(config);
  try {
    const { group, where } = target;
    const offsets = group ? await target.atGroup((g) => g.committed()) : undefined;
    const { partitions, results } = await target.atStore(async (store) => {
      const names = await store.statePartitions();
      if (names.length === 0) throw new TdaInputError(`${where}: holds no checkpoint, so there is nothing to back up (is redis.prefix the pipeline's?)`);
      const partitions: PartitionState[] = [];
      for (const name of names) {
        const state = await store.readPartition(name);
        if (state) partitions.push(state);
      }
      return { partitions, results: await recentResults(store, options.resultsHours) };
    });
    const entry: PartitionsEntry = {
      partitions: Object.fromEntries(partitions.map((p) => [p.partition, p.checkpoint.position ?? null])),
      group: group && offsets ? { id: group.settings.groupId, topic: group.settings.topic, offsets: Object.fromEntries([...offsets].map(([p, o]) => [String(p), String(o)])) } : null,
    };
    const entries = [
      { name: ENTRY.partitions, data: Buffer.from(JSON.stringify(entry) + "\n") },
      ...partitions.map((p) => ({ name: ENTRY.statePrefix + p.partition, data: serialize(p) })),
      { name: ENTRY.results, data: encodeResults(results) },
      ...(configBytes === undefined ? [] : [{ name: ENTRY.config, data: configBytes }]),
    ];
    const keys = partitions.reduce((n, p) => n + p.checkpoint.keys.size + p.checkpoint.evicted.size, 0);
    const info = archiveInfo({
      store: target.store.kind,
      storePath: where,
      config: configPath ?? null,
      partitions: partitions.length,
      keys,
      results: results.length,
      resultsHours: options.resultsHours,
      group: entry.group?.id ?? null,
    });
    const { bytes, manifest } = sealArchive(entries, info, options.key);
    return { archive: bytes, manifest, where, partitions, keys, results: results.length, group: entry.group };
  } finally {
    await target.close();
  }
}

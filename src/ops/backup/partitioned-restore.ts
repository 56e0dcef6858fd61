import { deserialize } from "node:v8";
import { isDeepStrictEqual } from "node:util";
import type { KafkaGroupOffsets, PartitionBounds } from "../../adapters/kafka/group-offsets.ts";
import { StaleEpochError, type OutputRecord, type PartitionState } from "../../adapters/types.ts";
import type { PipelineConfig } from "../../service/config/config.ts";
import { TdaInputError } from "../../tda/types.ts";
import { ArchiveError, type Manifest } from "./archive.ts";
import { decodeResults, ENTRY, type ReadArchive } from "./entries.ts";
import type { PartitionsEntry } from "./partitioned-backup.ts";
import { openPartitionedTarget } from "./partitioned-target.ts";

/** Window results written back per call: one script run each, so Redis is never held for long. */
const RESULTS_PER_WRITE = 1000;


export interface PartitionedArchive {
  manifest: Manifest;
  entry: PartitionsEntry;
  states: PartitionState[];
  results: OutputRecord[];
}

/**
 * A Redis store's archive, decoded and checked: the partitions entry, one state entry per
 * partition it lists (no more), each a checkpoint with key states whose position is the one
 * listed, and the results. Throws ArchiveError on the first inconsistency.
 */
export function readPartitionedArchive(archive: ReadArchive, archivePath: string): PartitionedArchive {
  const bad = (what: string) => new ArchiveError(`${archivePath}: inconsistent archive: ${what}`);
  let entry: PartitionsEntry;
  try {
    entry = JSON.parse(archive.need(ENTRY.partitions).toString("utf8")) as PartitionsEntry;
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw bad(`${ENTRY.partitions} is not JSON`);
  }
  if (typeof entry?.partitions !== "object" || entry.partitions === null) throw bad(`${ENTRY.partitions} lists no partitions`);
  const listed = Object.keys(entry.partitions);
  const stateEntries = [...archive.entries.keys()].filter((name) => name.startsWith(ENTRY.statePrefix));
  const unlisted = stateEntries.find((name) => !(name.slice(ENTRY.statePrefix.length) in entry.partitions));
  if (unlisted) throw bad(`entry ${unlisted} is not listed in ${ENTRY.partitions}`);
  const states = listed.map((name) => {
    const entryName = ENTRY.statePrefix + name;
    let state: PartitionState;
    try {
      state = deserialize(archive.need(entryName)) as PartitionState;
    } catch (err) {
      if (err instanceof ArchiveError) throw err;
      throw bad(`entry ${entryName} does not decode: ${(err as Error).message}`);
    }
    const cp = state?.checkpoint;
    if (state?.partition !== name || !(cp?.keys instanceof Map) || !(cp.evicted instanceof Map)) throw bad(`entry ${entryName} is not the state of partition ${name}`);
    if (!isDeepStrictEqual(cp.position ?? null, entry.partitions[name])) {
      throw bad(`partition ${name} resumes from ${JSON.stringify(cp.position)}, ${ENTRY.partitions} says ${JSON.stringify(entry.partitions[name])}`);
    }
    return state;
  });
  return { manifest: archive.manifest, entry, states, results: decodeResults(archive.need(ENTRY.results), archivePath) };
}

export interface PartitionedRestoreResult {
  where: string;
  partitions: string[];
  keys: number;
  results: number;
  /** The group whose offsets were set, with them. */
  group: { id: string; offsets: Record<string, string> } | null;
}

/**
 * Restores a Redis store's archive into the store (and group) a config names. Everything is
 * checked before anything is written:
 *  - each state partition is one this config's pipeline uses (its topic's, or the single source's);
 *  - for a Kafka source, the group has no member (stopped instances leave it Empty), the
 *    topic has every partition, and each restored offset lies between the partition's
 *    earliest and latest offsets (records the state has not seen must still be in the log);
 *  - no partition the archive holds has state in Redis, unless `force`.
 *
 * Then the state of every partition is replaced in one atomic step, only if no instance
 * claimed one of them since the check (their epochs are unchanged), and each epoch is raised
 * as a claim raises it. An instance that held a partition before is fenced: its next
 * checkpoint is refused, so it cannot overwrite the restored state, and the next claim loads
 * it. The epochs never go back to the archived ones: a lower epoch could equal a live lease's.
 * Then the results are merged by id, and last the group's offsets are set.
 */
export async function restorePartitioned(archive: PartitionedArchive, config: PipelineConfig, force: boolean): Promise<PartitionedRestoreResult> {
  const target = await openPartitionedTarget(config);
  try {
    const { where } = target;
    const names = archive.states.map((s) => s.partition);
    const foreign = names.find((name) => !target.ownsPartition(name));
    if (foreign !== undefined) {
      const reads = config.source.type === "kafka" ? `topic ${config.source.topic}` : `a ${config.source.type} source`;
      throw new TdaInputError(`the archive holds state partition ${foreign}, which a pipeline reading ${reads} does not use: restore with the config it was made with`);
    }
    const groupOffsets = target.group ? await target.atGroup((group) => checkGroup(group, archive)) : undefined;
    await target.atStore(async (store) => {
      const existing = new Set(await store.statePartitions());
      const replaced = names.filter((name) => existing.has(name));
      if (replaced.length > 0 && !force) {
        throw new TdaInputError(`${where} holds state of ${replaced.length} of the archive's partitions (${replaced.slice(0, 3).join(", ")}${replaced.length > 3 ? ", …" : ""}): stop every instance, then give --force to replace it`);
      }
      const epochs = await store.epochs(names);
      try {
        await store.replacePartitions(archive.states.map((s) => ({ ...s, epoch: epochs.get(s.partition) ?? 0 })));
      } catch (err) {
        if (!(err instanceof StaleEpochError)) throw err;
        throw new TdaInputError(`${where}: an instance claimed partition ${err.partition} during the restore (epoch ${err.epoch}, now ${err.current}); nothing was written: stop every instance, then restore again`);
      }
      for (let i = 0; i < archive.results.length; i += RESULTS_PER_WRITE) await store.appendResults(archive.results.slice(i, i + RESULTS_PER_WRITE));
    });
    if (groupOffsets) {
      await target.atGroup((group) => group.commit(groupOffsets)).catch((err: Error) => {
        throw new TdaInputError(`the state and results are restored, but not the group's offsets: ${err.message}. Instances resume from the restored state's offsets all the same; their checkpoints commit the group's offsets again`);
      });
    }
    return {
      where,
      partitions: names,
      keys: archive.states.reduce((n, s) => n + s.checkpoint.keys.size + s.checkpoint.evicted.size, 0),
      results: archive.results.length,
      group: target.group && groupOffsets ? { id: target.group.settings.groupId, offsets: Object.fromEntries([...groupOffsets].map(([p, o]) => [String(p), String(o)])) } : null,
    };
  } finally {
    await target.close();
  }
}

/**
 * For a Kafka source: the group must have no member, and every offset to restore (the
 * group's and each partition state's) must lie within its partition. Returns the group
 * offsets to set, or undefined without a Kafka source.
 */
async function checkGroup(group: KafkaGroupOffsets, archive: PartitionedArchive): Promise<Map<number, bigint>> {
  const { groupId, topic } = group.settings;
  const archived = archive.entry.group;
  if (archived && archived.topic !== topic) throw new TdaInputError(`the archive holds offsets of topic ${archived.topic}; the config reads ${topic}`);
  const state = await group.groupState();
  // Only an Empty group (or none yet) has no member; the broker accepts offsets from outside the group then.
  if (state !== undefined && state !== "Empty") {
    throw new TdaInputError(`consumer group ${groupId} is ${state}, with members: stop every instance (scale the deployment to 0) and wait until the group is Empty, then restore`);
  }
  const bounds = await group.bounds();
  if (bounds.size === 0) throw new TdaInputError(`topic ${topic} does not exist on ${group.settings.brokers.join(",")}`);
  const within = (what: string, partition: number, offset: bigint) => {
    const b: PartitionBounds | undefined = bounds.get(partition);
    if (!b) throw new TdaInputError(`${what}: topic ${topic} has no partition ${partition} (it has ${bounds.size})`);
    if (offset < b.earliest) throw new TdaInputError(`${what}: offset ${offset} of partition ${partition} is gone from topic ${topic} (its records start at ${b.earliest}): restoring would skip records`);
    if (offset > b.latest) throw new TdaInputError(`${what}: offset ${offset} of partition ${partition} is beyond the end of topic ${topic} (${b.latest}): is this the topic the backup was made on?`);
  };
  for (const s of archive.states) {
    const position = s.checkpoint.position;
    if (position === null || typeof position !== "object") continue;
    for (const [p, o] of Object.entries(position)) within(`state partition ${s.partition}`, Number(p), BigInt(o as string));
  }
  const offsets = new Map(Object.entries(archived?.offsets ?? {}).map(([p, o]) => [Number(p), BigInt(o)] as const));
  for (const [p, o] of offsets) within(`group ${groupId}`, p, o);
  return offsets;
}

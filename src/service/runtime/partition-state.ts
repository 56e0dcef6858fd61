import { emptyCounts } from "./checkpoint-state.ts";
import { StaleEpochError, type Checkpoint, type SourcePosition, type StateLease, type StateStore } from "../../adapters/types.ts";

/**
 * The state of several log partitions (Kafka's) seen by the runner as one: a StateStore
 * whose whole-state claim claims each partition in the real store and returns one lease over
 * all of them. A checkpoint is split by partition on save (each key goes with the partition
 * its events come from, each partition with its own offset), so every partition's state is
 * stored atomically with the offset it covers, fenced by that partition's own epoch; loading
 * joins them again. The runner needs no notion of partitions.
 */

/** Which log partition each key's events come from, as the source reads them. */
export type KeyPartitions = Map<string, number>;

export class PartitionedStateView implements StateStore {
  readonly kind: string;
  readonly durable: boolean;
  private readonly store: StateStore;
  private readonly partitions: ReadonlyMap<number, string>;
  private readonly keyPartitions: KeyPartitions;
  /** The leases taken by the last claim, by log partition. */
  leases = new Map<number, StateLease>();

  /** `partitions`: log partition → the name of its state partition in the store. */
  constructor(store: StateStore, partitions: ReadonlyMap<number, string>, keyPartitions: KeyPartitions) {
    this.store = store;
    this.kind = store.kind;
    this.durable = store.durable;
    this.partitions = partitions;
    this.keyPartitions = keyPartitions;
  }

  async claim(_whole: string): Promise<StateLease> {
    const entries = await Promise.all([...this.partitions].map(async ([p, name]) => [p, await this.store.claim(name)] as const));
    this.leases = new Map(entries);
    const leases = this.leases;
    const keyPartitions = this.keyPartitions;
    return {
      partition: [...this.partitions.values()].join(","),
      epoch: Math.max(0, ...entries.map(([, l]) => l.epoch)),
      load: () => loadJoined(leases, keyPartitions),
      save: (checkpoint) => saveSplit(leases, keyPartitions, checkpoint),
      loadEvictedKeys: async (keys) => {
        const byPartition = groupKeys(keys, keyPartitions);
        const found = new Map<string, unknown>();
        await Promise.all(
          [...byPartition].map(async ([p, ks]) => {
            const lease = leases.get(p);
            if (lease) for (const [k, v] of await lease.loadEvictedKeys(ks)) found.set(k, v);
          }),
        );
        return found;
      },
    };
  }

  appendResults: StateStore["appendResults"] = (records) => this.store.appendResults(records);
  keys: StateStore["keys"] = (page) => this.store.keys(page);
  keySummaries: StateStore["keySummaries"] = (keys) => this.store.keySummaries(keys);
  latest: StateStore["latest"] = (key) => this.store.latest(key);
  history: StateStore["history"] = (key, from, to, limit, page) => this.store.history(key, from, to, limit, page);
  ping: StateStore["ping"] = () => this.store.ping();
  /** The underlying store outlives the view (it serves the next assignment). */
  async close(): Promise<void> {}
}

/** One checkpoint from each partition's: keys joined, positions joined into one offset map. */
async function loadJoined(leases: Map<number, StateLease>, keyPartitions: KeyPartitions): Promise<Checkpoint | undefined> {
  const loaded = await Promise.all([...leases].map(async ([p, lease]) => [p, await lease.load()] as const));
  const present = loaded.filter((entry): entry is readonly [number, Checkpoint] => entry[1] !== undefined);
  if (present.length === 0) return undefined;
  const keys = new Map<string, unknown>();
  const position: Record<string, SourcePosition> = {};
  let useCounter = 0;
  let takenAt = 0;
  for (const [p, cp] of present) {
    for (const [key, state] of cp.keys) {
      keys.set(key, state);
      keyPartitions.set(key, p);
    }
    if (cp.position && typeof cp.position === "object") Object.assign(position, cp.position);
    for (const head of cp.shards as Array<{ useCounter?: number }>) useCounter = Math.max(useCounter, head.useCounter ?? 0);
    takenAt = Math.max(takenAt, cp.takenAt);
  }
  return {
    position,
    // Counters are this instance's since it started: a partition's share of them is not known.
    shardCount: 1,
    shards: [{ version: 1, counts: emptyCounts(), useCounter }],
    counts: {},
    keys,
    evicted: new Map(),
    takenAt,
  };
}

/**
 * Each partition's share of a checkpoint, saved through its own lease, all in parallel. A
 * partition fenced by a newer owner does not stop the others; its StaleEpochError is thrown
 * once they are done.
 */
async function saveSplit(leases: Map<number, StateLease>, keyPartitions: KeyPartitions, cp: Checkpoint): Promise<void> {
  if (cp.position === undefined || typeof cp.position !== "object" || cp.position === null) return;
  const offsets = cp.position as Record<string, SourcePosition>;
  const useCounter = Math.max(0, ...(cp.shards as Array<{ useCounter?: number }>).map((h) => h.useCounter ?? 0));
  const parts = new Map<number, Checkpoint>();
  for (const p of leases.keys()) {
    if (offsets[String(p)] === undefined) continue;
    parts.set(p, {
      position: { [String(p)]: offsets[String(p)] },
      shardCount: 1,
      shards: [{ version: 1, counts: emptyCounts(), useCounter }],
      counts: {},
      keys: new Map(),
      evicted: new Map(),
      takenAt: cp.takenAt,
    });
  }
  const place = (key: string, state: unknown, into: "keys" | "evicted") => {
    const p = keyPartitions.get(key);
    const part = p === undefined ? undefined : parts.get(p);
    if (part === undefined) throw new Error(`checkpoint: key ${JSON.stringify(key)} belongs to no partition this instance holds`);
    part[into].set(key, state);
  };
  for (const [key, state] of cp.keys) place(key, state, "keys");
  for (const [key, state] of cp.evicted) place(key, state, "evicted");
  const results = await Promise.allSettled([...parts].map(([p, part]) => leases.get(p)!.save(part)));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as Error);
  if (failures.length > 0) throw failures.find((e) => e instanceof StaleEpochError) ?? failures[0];
}

function groupKeys(keys: readonly string[], keyPartitions: KeyPartitions): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const p = keyPartitions.get(key);
    if (p === undefined) continue;
    const list = groups.get(p);
    if (list) list.push(key);
    else groups.set(p, [key]);
  }
  return groups;
}

import type { Checkpoint, SourcePosition } from "../../adapters/types.ts";
import type { KeyState, StreamCounts, StreamState } from "../../stream/types.ts";
import type { ShardSnapshot } from "./shard-core.ts";
import { shardOf } from "./shard.ts";

/**
 * Between shard snapshots and a store's checkpoint: joining the shards' parts into one
 * checkpoint, and splitting a checkpoint over shards again (by key hash, so a different
 * number of shards than last time is fine).
 */

/** One checkpoint from every shard's snapshot, taken at the same barrier. */
export function joinSnapshots(snapshots: ShardSnapshot[], position: SourcePosition | undefined, shardCount: number): Checkpoint {
  const keys = new Map<string, unknown>();
  const evicted = new Map<string, unknown>();
  for (const snap of snapshots) {
    for (const key in snap.keys) keys.set(key, snap.keys[key]);
    for (const key in snap.evicted) evicted.set(key, snap.evicted[key]);
  }
  const counts = addCounts(snapshots.map((s) => s.head.counts));
  return {
    position,
    shardCount,
    keys,
    evicted,
    shards: snapshots.map((s) => s.head),
    counts: flatCounts(counts),
    takenAt: Date.now(),
  };
}

/**
 * Splits a checkpoint's keys over `shardCount` shards by key hash. When the shard count
 * changed since the checkpoint, the counters are summed into shard 0 (they only ever add up).
 */
export function splitState(checkpoint: Checkpoint | undefined, shardCount: number): Array<StreamState | undefined> {
  if (!checkpoint) return Array.from({ length: shardCount }, () => undefined);
  const heads = checkpoint.shards as Array<Omit<StreamState, "keys">>;
  const sameSplit = checkpoint.shardCount === shardCount && heads.length === shardCount;
  const useCounter = Math.max(0, ...heads.map((h) => h.useCounter));
  const total = addCounts(heads.map((h) => h.counts));
  const states: StreamState[] = Array.from({ length: shardCount }, (_, s) => ({
    version: 1,
    counts: sameSplit ? heads[s].counts : s === 0 ? total : emptyCounts(),
    useCounter: sameSplit ? heads[s].useCounter : useCounter,
    keys: {},
  }));
  for (const [key, state] of checkpoint.keys) states[shardOf(key, shardCount)].keys[key] = state as KeyState;
  return states;
}

export function emptyCounts(): StreamCounts {
  return { received: 0, processed: 0, deadLettered: 0, dropped: 0, buffered: 0, late: 0, windows: 0, anomalies: 0, deadLetteredByReason: {} };
}

export function addCounts(all: readonly StreamCounts[]): StreamCounts {
  const total = emptyCounts();
  for (const c of all) {
    total.received += c.received;
    total.processed += c.processed;
    total.deadLettered += c.deadLettered;
    total.dropped += c.dropped;
    total.buffered += c.buffered;
    total.late += c.late;
    total.windows += c.windows;
    total.anomalies += c.anomalies;
    for (const [reason, n] of Object.entries(c.deadLetteredByReason)) {
      const r = reason as keyof StreamCounts["deadLetteredByReason"];
      total.deadLetteredByReason[r] = (total.deadLetteredByReason[r] ?? 0) + (n ?? 0);
    }
  }
  return total;
}

function flatCounts(c: StreamCounts): Record<string, number> {
  const { deadLetteredByReason, ...rest } = c;
  const flat: Record<string, number> = { ...rest };
  for (const [reason, n] of Object.entries(deadLetteredByReason)) flat[`deadLettered.${reason}`] = n ?? 0;
  return flat;
}

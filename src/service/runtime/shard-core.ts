import { performance } from "node:perf_hooks";
import { StreamProcessor } from "../../stream/processor.ts";
import type { KeyState, OutputRecord, RawRecord, StreamConfig, StreamCounts, StreamState } from "../../stream/types.ts";
import { routeKey } from "./route-key.ts";

/** What a shard returns for one batch: the outputs, and for each output what caused it. */
export interface ShardBatchResult {
  outputs: OutputRecord[];
  /** Per output: index in the batch of the record that caused it (for latency). */
  causes: Uint32Array;
  /** Per output: seconds spent computing it (window results only; 0 otherwise). */
  computeSeconds: Float64Array;
  counts: StreamCounts;
  liveKeys: number;
  /** Evicted keys' states held until a checkpoint stores them. */
  pendingEvicted: number;
  /** The batch was past a stop's cutoff and left unprocessed. */
  skipped?: boolean;
}

/** A shard's part of a checkpoint. */
export interface ShardSnapshot {
  /** The processor's state without its keys (counts, use counter). */
  head: Omit<StreamState, "keys">;
  keys: Record<string, KeyState>;
  /** Keys evicted since the previous snapshot, not yet in any checkpoint. */
  evicted: Record<string, KeyState>;
}

export interface ShardInit {
  config: StreamConfig;
  /** State to continue from (keys of this shard only), or none for a fresh start. */
  state?: StreamState;
}

/**
 * One shard's processor and its bookkeeping, the same in a worker thread and inline.
 * Evicted keys are held here until the next snapshot carries them into a checkpoint; an
 * evicted key that comes back before then is taken from here, later from the store.
 *
 * The processor asks for a returning key's state synchronously, and a store answers
 * asynchronously: so before a batch, keysToLoad() names the keys the batch may need from
 * the store, their states are fetched through the state store's interface, and provide()
 * hands them over.
 */
export class ShardCore {
  private readonly processor: StreamProcessor;
  /** Evicted keys not yet confirmed in a checkpoint, with the eviction's serial number. */
  private readonly pendingEvicted = new Map<string, { state: KeyState; serial: number }>();
  private evictions = 0;
  /** Evictions up to this serial went out with the last snapshot. */
  private snapshotThrough = 0;
  /** States fetched from the store for the current batch, and every key that was asked for. */
  private readonly loaded = new Map<string, KeyState>();
  private readonly asked = new Set<string>();

  constructor(init: ShardInit) {
    const hooks = {
      loadKey: (key: string) => this.loadKey(key),
      onEvict: (key: string, state: KeyState) => {
        this.pendingEvicted.set(key, { state, serial: ++this.evictions });
      },
    };
    this.processor = init.state
      ? StreamProcessor.restore(init.config, init.state, hooks)
      : new StreamProcessor(init.config, hooks);
  }

  private loadKey(key: string): KeyState | undefined {
    const pending = this.pendingEvicted.get(key);
    if (pending !== undefined) {
      this.pendingEvicted.delete(key);
      return pending.state;
    }
    const stored = this.loaded.get(key);
    if (stored !== undefined) {
      this.loaded.delete(key);
      return stored;
    }
    // Starting this key afresh is right only if the store was asked and had nothing.
    if (!this.asked.has(key)) throw new Error(`key ${JSON.stringify(key)} was not looked up in the store before its batch (routeKey disagrees with validation)`);
    return undefined;
  }

  /**
   * The keys of these records whose state may be in the store: neither in memory nor held
   * here. Keys are read as the runner routes them, which agrees with validation for every
   * valid record.
   */
  keysToLoad(records: readonly RawRecord[]): string[] {
    this.loaded.clear();
    this.asked.clear();
    const keys: string[] = [];
    for (let i = 0; i < records.length; i++) {
      const key = routeKey(records[i]);
      if (key === "" || this.asked.has(key) || this.processor.hasKey(key) || this.pendingEvicted.has(key)) continue;
      this.asked.add(key);
      keys.push(key);
    }
    return keys;
  }

  /** States the store had for keysToLoad()'s keys, for the next process(). */
  provide(states: ReadonlyMap<string, unknown>): void {
    for (const [key, state] of states) this.loaded.set(key, state as KeyState);
  }

  process(records: readonly RawRecord[]): ShardBatchResult {
    const outputs: OutputRecord[] = [];
    const causes: number[] = [];
    const compute: number[] = [];
    for (let i = 0; i < records.length; i++) {
      const t0 = performance.now();
      const produced = this.processor.ingest(records[i]);
      if (produced.length === 0) continue;
      const seconds = (performance.now() - t0) / 1000;
      let windows = 0;
      for (const o of produced) if (o.type === "window") windows++;
      for (const o of produced) {
        outputs.push(o);
        causes.push(i);
        // The processor does not time windows itself: a record's ingest time is shared
        // among the windows it completed.
        compute.push(o.type === "window" ? seconds / windows : 0);
      }
    }
    return {
      outputs,
      causes: Uint32Array.from(causes),
      computeSeconds: Float64Array.from(compute),
      counts: this.processor.counts(),
      liveKeys: this.processor.liveKeys,
      pendingEvicted: this.pendingEvicted.size,
    };
  }

  /** The answer for a batch left unprocessed. */
  skip(): ShardBatchResult {
    return {
      outputs: [],
      causes: new Uint32Array(0),
      computeSeconds: new Float64Array(0),
      counts: this.processor.counts(),
      liveKeys: this.processor.liveKeys,
      pendingEvicted: this.pendingEvicted.size,
      skipped: true,
    };
  }

  /** End of a finite input: releases events held for reordering. */
  flush(): ShardBatchResult {
    const outputs = this.processor.flush();
    return {
      outputs,
      causes: new Uint32Array(outputs.length),
      computeSeconds: new Float64Array(outputs.length),
      counts: this.processor.counts(),
      liveKeys: this.processor.liveKeys,
      pendingEvicted: this.pendingEvicted.size,
    };
  }

  /** Evicted keys stay here until confirmSnapshot(): a failed checkpoint must not lose them. */
  snapshot(): ShardSnapshot {
    const { keys, ...head } = this.processor.snapshot();
    const evicted: Record<string, KeyState> = {};
    for (const [key, { state }] of this.pendingEvicted) evicted[key] = state;
    this.snapshotThrough = this.evictions;
    return { head, keys, evicted };
  }

  /** The last snapshot is in the store: its evicted keys can be read from there. */
  confirmSnapshot(): void {
    for (const [key, { serial }] of this.pendingEvicted) {
      if (serial <= this.snapshotThrough) this.pendingEvicted.delete(key);
    }
  }
}

import { performance } from "node:perf_hooks";
import { StreamProcessor } from "../../stream/processor.ts";
import type { KeyState, OutputRecord, RawRecord, StreamConfig, StreamCounts, StreamState } from "../../stream/types.ts";

/** What a shard returns for one batch: the outputs, and for each output what caused it. */
export interface ShardBatchResult {
  outputs: OutputRecord[];
  /** Per output: index in the batch of the record that caused it (for latency). */
  causes: Uint32Array;
  /** Per output: seconds spent computing it (window results only; 0 otherwise). */
  computeSeconds: Float64Array;
  counts: StreamCounts;
  liveKeys: number;
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
  /** Path of the SQLite store, to read evicted keys back synchronously. */
  storePath?: string;
  /**
   * Keep evicted keys' state until a checkpoint stores it (default true). Without a store
   * there is no checkpoint: an evicted key is forgotten and starts afresh if it returns,
   * which keeps memory bounded.
   */
  keepEvicted?: boolean;
}

/**
 * One shard's processor and its bookkeeping, the same in a worker thread and inline.
 * Evicted keys are held here until the next snapshot carries them into a checkpoint; an
 * evicted key that comes back before then is taken from here, later from the store.
 */
export class ShardCore {
  private readonly processor: StreamProcessor;
  /** Evicted keys not yet confirmed in a checkpoint, with the eviction's serial number. */
  private readonly pendingEvicted = new Map<string, { state: KeyState; serial: number }>();
  private evictions = 0;
  /** Evictions up to this serial went out with the last snapshot. */
  private snapshotThrough = 0;
  private readonly readStored: ((key: string) => KeyState | undefined) | undefined;

  constructor(init: ShardInit, readStored?: (key: string) => KeyState | undefined) {
    this.readStored = readStored;
    const hooks = {
      loadKey: (key: string) => this.loadKey(key),
      onEvict: (key: string, state: KeyState) => {
        if (init.keepEvicted !== false) this.pendingEvicted.set(key, { state, serial: ++this.evictions });
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
    return this.readStored?.(key);
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

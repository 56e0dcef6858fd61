import type { RawRecord } from "../../stream/types.ts";
import type { ShardBatchResult, ShardCore, ShardSnapshot } from "./shard-core.ts";

/** Fetches the stored states of evicted keys, through the state store's lease. */
export type LoadKeys = (keys: string[]) => Promise<ReadonlyMap<string, unknown>>;

/**
 * The stop handshake, in memory shared with the runner. CONTROL_STARTED holds the last
 * batch seq the shard started (it moves there by compare-exchange from its previous value)
 * or FROZEN once the runner froze it; CONTROL_CUT is -1 until the runner publishes the cut.
 */
export const CONTROL_STARTED = 0;
export const CONTROL_CUT = 1;
export const FROZEN = -1;

/** A fresh control block: nothing started, no cut. */
export function newControl(): Int32Array {
  const control = new Int32Array(new SharedArrayBuffer(8));
  control[CONTROL_CUT] = -1;
  return control;
}

/**
 * A shard's calls, handled one at a time in the order they were made, in a worker thread
 * or inline. That order is what makes a snapshot a consistent cut: it answers with the
 * state after exactly the batches asked for before it. A batch first fetches the states of
 * returning evicted keys from the store, so a call may wait; the next waits behind it.
 */
export class ShardQueue {
  private readonly core: ShardCore;
  private readonly control: Int32Array;
  private readonly loadKeys: LoadKeys;
  private tail: Promise<unknown> = Promise.resolve();
  private lastStarted = 0;

  constructor(core: ShardCore, control: Int32Array, loadKeys: LoadKeys) {
    this.core = core;
    this.control = control;
    this.loadKeys = loadKeys;
  }

  batch(seq: number, records: RawRecord[]): Promise<ShardBatchResult> {
    return this.enqueue(async () => {
      // Past a stop's cut: left for the next run, which reads it again from the source.
      if (!this.mayStart(seq)) return this.core.skip();
      const keys = this.core.keysToLoad(records);
      if (keys.length > 0) this.core.provide(await this.loadKeys(keys));
      return this.core.process(records);
    });
  }

  flush(): Promise<ShardBatchResult> {
    return this.enqueue(() => this.core.flush());
  }

  snapshot(): Promise<ShardSnapshot> {
    return this.enqueue(() => this.core.snapshot());
  }

  confirmSnapshot(): Promise<void> {
    return this.enqueue(() => this.core.confirmSnapshot());
  }

  /** Resolves once every call made so far is done. */
  idle(): Promise<void> {
    return this.enqueue(() => undefined);
  }

  private enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Claims batch `seq`, unless a stop froze this shard: then only batches up to the cut run. */
  private mayStart(seq: number): boolean {
    const control = this.control;
    if (Atomics.compareExchange(control, CONTROL_STARTED, this.lastStarted, seq) === this.lastStarted) {
      this.lastStarted = seq;
      return true;
    }
    // The runner publishes the cut right after freezing every shard: microseconds.
    while (Atomics.load(control, CONTROL_CUT) < 0) Atomics.wait(control, CONTROL_CUT, -1, 50);
    return seq <= Atomics.load(control, CONTROL_CUT);
  }
}

import { Worker } from "node:worker_threads";
import type { RawRecord } from "../../stream/types.ts";
import { ShardCore, type ShardBatchResult, type ShardInit, type ShardSnapshot } from "./shard-core.ts";
import { CONTROL_CUT, CONTROL_STARTED, FROZEN, newControl, ShardQueue, type LoadKeys } from "./shard-queue.ts";
import { siblingModule } from "./sibling-module.ts";
import { windowsFromText } from "./window-text.ts";

export type ToShard =
  | { type: "batch"; seq: number; records: RawRecord[] }
  | { type: "flush" }
  | { type: "snapshot" }
  | { type: "confirm" }
  | { type: "stop" }
  | { type: "keys"; states?: ReadonlyMap<string, unknown>; error?: string };

type FromShard =
  | { type: "batch" | "flush"; result: ShardBatchResult }
  | { type: "snapshot"; snapshot: ShardSnapshot }
  | { type: "error"; message: string }
  | { type: "load"; keys: string[] };

/**
 * A shard of keys behind a promise interface. Calls are answered in the order they were
 * made, which is what makes a snapshot a consistent cut of the input.
 */
export interface Shard {
  /** Batch `seq` (increasing) of this shard's records. */
  process(seq: number, records: RawRecord[]): Promise<ShardBatchResult>;
  /**
   * A stop's first step: from now on the shard starts no batch until setCut(). Returns the
   * last batch seq it started (it will finish that one).
   */
  freeze(): number;
  /**
   * A stop's second step: queued batches up to `cut` are processed, later ones skipped
   * (answered with no outputs, state untouched), so that every shard holds exactly the
   * batches up to `cut` and a stop need not wait for work the next run can read again.
   */
  setCut(cut: number): void;
  flush(): Promise<ShardBatchResult>;
  snapshot(): Promise<ShardSnapshot>;
  confirmSnapshot(): void;
  close(): Promise<void>;
}

/** The stop handshake on the runner's side, the same for both kinds of shard. */
function freeze(control: Int32Array): number {
  // One atomic step: the shard's next compare-exchange of its started seq fails from now on.
  return Atomics.exchange(control, CONTROL_STARTED, FROZEN);
}

function setCut(control: Int32Array, cut: number): void {
  Atomics.store(control, CONTROL_CUT, cut);
  Atomics.notify(control, CONTROL_CUT);
}

/** The shard on the calling thread: for one-core runs and tests. */
export class InlineShard implements Shard {
  private readonly control = newControl();
  private readonly queue: ShardQueue;
  constructor(init: ShardInit, loadKeys: LoadKeys) {
    this.queue = new ShardQueue(new ShardCore(init), this.control, loadKeys);
  }
  process(seq: number, records: RawRecord[]): Promise<ShardBatchResult> {
    return this.queue.batch(seq, records);
  }
  freeze(): number {
    return freeze(this.control);
  }
  setCut(cut: number): void {
    setCut(this.control, cut);
  }
  flush(): Promise<ShardBatchResult> {
    return this.queue.flush();
  }
  snapshot(): Promise<ShardSnapshot> {
    return this.queue.snapshot();
  }
  confirmSnapshot(): void {
    void this.queue.confirmSnapshot();
  }
  close(): Promise<void> {
    return this.queue.idle();
  }
}

interface Pending {
  resolve(value: never): void;
  reject(err: Error): void;
}

/** Young-generation cap of a shard worker's heap (three 16 MB semi-spaces' worth). */
const WORKER_YOUNG_GENERATION_MB = 48;

/** The shard in a worker thread (shard-worker.ts), for the other cores. */
export class WorkerShard implements Shard {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;
  /** Shared with the worker: see CONTROL_STARTED and CONTROL_CUT. */
  private readonly control = newControl();

  /** `loadKeys` answers the worker's requests for evicted keys' stored states. */
  constructor(init: ShardInit, loadKeys: LoadKeys) {
    this.worker = new Worker(siblingModule("shard-worker", import.meta.url), {
      workerData: { init, control: this.control },
      // `node --input-type=module -e …` passes flags a worker refuses; otherwise inherit them.
      execArgv: process.execArgv.some((a) => a.startsWith("--input-type")) ? [] : undefined,
      // A worker keeps about 13 MB live, but left alone V8 keeps growing its young generation
      // (to about 130 MB committed within minutes here), and RSS steps up with it. A fixed cap
      // keeps memory flat at no measurable cost in throughput (docs/service.md, Memory).
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    this.worker.on("message", (msg: FromShard) => {
      if (msg.type === "load") {
        loadKeys(msg.keys).then(
          (states) => this.worker.postMessage({ type: "keys", states } satisfies ToShard),
          (err: unknown) => this.worker.postMessage({ type: "keys", error: err instanceof Error ? err.message : String(err) } satisfies ToShard),
        );
        return;
      }
      const waiter = this.pending.shift();
      if (waiter === undefined) return;
      if (msg.type === "error") waiter.reject(new Error(`shard worker: ${msg.message}`));
      else if (msg.type === "snapshot") waiter.resolve(msg.snapshot as never);
      else {
        windowsFromText(msg.result.outputs);
        waiter.resolve(msg.result as never);
      }
    });
    const fail = (err: Error) => {
      this.failure = err;
      for (const waiter of this.pending.splice(0)) waiter.reject(err);
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => {
      if (this.pending.length > 0) fail(new Error(`shard worker exited with code ${code}`));
    });
  }

  private call<T>(msg: ToShard): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: never) => void, reject });
      this.worker.postMessage(msg);
    });
  }

  process(seq: number, records: RawRecord[]): Promise<ShardBatchResult> {
    return this.call({ type: "batch", seq, records });
  }
  freeze(): number {
    return freeze(this.control);
  }
  setCut(cut: number): void {
    setCut(this.control, cut);
  }
  flush(): Promise<ShardBatchResult> {
    return this.call({ type: "flush" });
  }
  snapshot(): Promise<ShardSnapshot> {
    return this.call({ type: "snapshot" });
  }
  confirmSnapshot(): void {
    this.worker.postMessage({ type: "confirm" } satisfies ToShard);
  }
  async close(): Promise<void> {
    this.worker.postMessage({ type: "stop" } satisfies ToShard);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2000);
      this.worker.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** FNV-1a over the key's UTF-16 units: a stable shard for a key across restarts. */
export function shardOf(key: string, shardCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shardCount;
}

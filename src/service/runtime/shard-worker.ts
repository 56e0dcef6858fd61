/**
 * Entry of a shard's worker thread. Calls are handled strictly in arrival order (ShardQueue),
 * so a snapshot request answers with the state after exactly the batches sent before it.
 * The worker opens no store: stored states of returning keys come from the runner, which
 * reads them through the state store's interface.
 */
import { parentPort, workerData } from "node:worker_threads";
import { ShardCore, type ShardInit } from "./shard-core.ts";
import { ShardQueue } from "./shard-queue.ts";
import type { ToShard } from "./shard.ts";
import { windowsToText } from "./window-text.ts";

const { init, control } = workerData as { init: ShardInit; control: Int32Array };
const port = parentPort!;

/** The one load in flight: a batch waits for it before anything else runs. */
let loading: { resolve(states: ReadonlyMap<string, unknown>): void; reject(err: Error): void } | undefined;

const queue = new ShardQueue(new ShardCore(init), control, (keys) =>
  new Promise((resolve, reject) => {
    loading = { resolve, reject };
    port.postMessage({ type: "load", keys });
  }),
);

/** A bug, not bad input (the processor dead-letters that): report it and let the runner stop. */
function report(err: unknown): void {
  port.postMessage({ type: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
}

port.on("message", (msg: ToShard) => {
  switch (msg.type) {
    case "keys": {
      const waiting = loading;
      loading = undefined;
      if (msg.error !== undefined) waiting?.reject(new Error(`loading evicted keys: ${msg.error}`));
      else waiting?.resolve(msg.states ?? new Map());
      break;
    }
    case "batch":
      queue.batch(msg.seq, msg.records).then((result) => {
        windowsToText(result.outputs);
        port.postMessage({ type: "batch", result }, [result.causes.buffer as ArrayBuffer, result.computeSeconds.buffer as ArrayBuffer]);
      }, report);
      break;
    case "flush":
      queue.flush().then((result) => {
        windowsToText(result.outputs);
        port.postMessage({ type: "flush", result });
      }, report);
      break;
    case "snapshot":
      queue.snapshot().then((snapshot) => port.postMessage({ type: "snapshot", snapshot }), report);
      break;
    case "confirm":
      queue.confirmSnapshot().catch(report);
      break;
    case "stop":
      void queue.idle().then(() => port.close());
      break;
  }
});

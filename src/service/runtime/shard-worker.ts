/**
 * Entry of a shard's worker thread. Messages are handled strictly in arrival order, so a
 * snapshot request answers with the state after exactly the batches sent before it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openEvictedKeyReader } from "../../adapters/store/sqlite-store.ts";
import type { KeyState } from "../../stream/types.ts";
import { ShardCore, type ShardInit } from "./shard-core.ts";
import { CONTROL_CUT, CONTROL_STARTED, type ToShard } from "./shard.ts";

const { init, control } = workerData as { init: ShardInit; control: Int32Array };
const reader = init.storePath ? openEvictedKeyReader(init.storePath) : undefined;
const core = new ShardCore(init, reader ? (key) => reader.read(key) as KeyState | undefined : undefined);
const port = parentPort!;
let lastStarted = 0;

/** Claims batch `seq`, unless a stop froze this shard: then only batches up to the cut run. */
function mayStart(seq: number): boolean {
  if (Atomics.compareExchange(control, CONTROL_STARTED, lastStarted, seq) === lastStarted) {
    lastStarted = seq;
    return true;
  }
  // The runner publishes the cut right after freezing every shard: microseconds.
  while (Atomics.load(control, CONTROL_CUT) < 0) Atomics.wait(control, CONTROL_CUT, -1, 50);
  return seq <= Atomics.load(control, CONTROL_CUT);
}

port.on("message", (msg: ToShard) => {
  try {
    switch (msg.type) {
      case "batch": {
        // Past a stop's cut: left for the next run, which reads it again from the source.
        const result = mayStart(msg.seq) ? core.process(msg.records) : core.skip();
        port.postMessage({ type: "batch", result }, [result.causes.buffer as ArrayBuffer, result.computeSeconds.buffer as ArrayBuffer]);
        break;
      }
      case "flush":
        port.postMessage({ type: "flush", result: core.flush() });
        break;
      case "snapshot":
        port.postMessage({ type: "snapshot", snapshot: core.snapshot() });
        break;
      case "confirm":
        core.confirmSnapshot();
        break;
      case "stop":
        reader?.close();
        port.close();
        break;
    }
  } catch (err) {
    // A bug, not bad input (the processor dead-letters that): report it and let the runner stop.
    port.postMessage({ type: "error", message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
});

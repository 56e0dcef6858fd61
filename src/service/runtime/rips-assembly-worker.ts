import { workerData, type MessagePort } from "node:worker_threads";
import type { Filtration } from "../../tda/rips.ts";
import { assembleOddChunks, type AssemblyTask, RipsReducer } from "../../tda/rips.ts";

// The other half of the engine's column assembly (see rips-threads.ts).
const { filtration, maxDim, port, flag } = workerData as { filtration: Filtration; maxDim: number; port: MessagePort; flag: Int32Array };
const reducer = new RipsReducer(filtration, maxDim, 2);
Atomics.store(flag, 1, 1);
Atomics.notify(flag, 1);

port.on("message", (task: AssemblyTask) => {
  try {
    const share = assembleOddChunks(reducer, task);
    // Sliced arrays own plain buffers: hand them over without copying.
    const buffers = [share.columnIndices, share.columnRanks, share.nextIndices, share.nextRanks, share.apparent].map((a) => a.buffer as ArrayBuffer);
    port.postMessage(share, buffers);
  } catch (error) {
    port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});

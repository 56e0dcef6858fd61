import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { Filtration, AssemblyHelper, AssemblyShare, AssemblyTask } from "../../tda/rips.ts";
import { siblingModule } from "./sibling-module.ts";

const LOAD_TIMEOUT_MS = 20_000;

/**
 * The engine's assembly helper on a worker thread: while the calling thread assembles
 * half of a dimension's columns, the worker assembles the other half. The caller blocks
 * on a shared flag and takes the worker's answer synchronously from its port, so the
 * engine itself stays synchronous.
 */
export function assemblyWorker(filtration: Filtration, maxDim: number): AssemblyHelper {
  const { port1, port2 } = new MessageChannel();
  // flag[0]: 1 once an answer is posted; flag[1]: 1 once the worker has loaded.
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(siblingModule("rips-assembly-worker", import.meta.url), {
    workerData: { filtration, maxDim, port: port2, flag },
    transferList: [port2 as MessagePort],
  });
  worker.unref();
  return {
    begin(task: AssemblyTask): void {
      Atomics.store(flag, 0, 0);
      port1.postMessage(task);
    },
    end(): AssemblyShare | null {
      // Events cannot arrive while this thread blocks, so a worker that failed to load
      // is detected by its silence: then the caller does the share itself.
      if (Atomics.wait(flag, 1, 0, LOAD_TIMEOUT_MS) === "timed-out" && Atomics.load(flag, 1) === 0) return null;
      while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
      const message = receiveMessageOnPort(port1);
      if (!message) throw new Error("internal error: assembly worker signalled without an answer");
      const answer = message.message as AssemblyShare | { error: string };
      if ("error" in answer) throw new Error(`assembly worker: ${answer.error}`);
      return answer;
    },
    close(): void {
      port1.close();
      void worker.terminate();
    },
  };
}

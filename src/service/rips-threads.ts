import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import type { Filtration } from "../tda/rips/filtration.ts";
import type { AssemblyHelper, AssemblyShare, AssemblyTask } from "../tda/rips/reducer.ts";

/**
 * The engine's assembly helper on a worker thread: while the calling thread assembles
 * half of a dimension's columns, the worker assembles the other half. The caller blocks
 * on a shared flag and takes the worker's answer synchronously from its port, so the
 * engine itself stays synchronous.
 */
export function assemblyWorker(filtration: Filtration, maxDim: number): AssemblyHelper {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL("./rips-assembly-worker.ts", import.meta.url), {
    workerData: { filtration, maxDim, port: port2, flag },
    transferList: [port2 as MessagePort],
  });
  worker.unref();
  let failure: unknown = null;
  worker.on("error", (error) => (failure = error));
  return {
    begin(task: AssemblyTask): void {
      Atomics.store(flag, 0, 0);
      port1.postMessage(task);
    },
    end(): AssemblyShare {
      while (Atomics.load(flag, 0) === 0) {
        Atomics.wait(flag, 0, 0, 1000);
        if (failure) throw failure;
      }
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

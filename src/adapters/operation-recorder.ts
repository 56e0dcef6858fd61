import { performance } from "node:perf_hooks";
import type { OperationRecorder } from "./types.ts";

export type { OperationRecorder };

export const ignoreOperations: OperationRecorder = { record() {} };

/** Runs `fn` and reports it to `recorder`, failures included. */
export async function recorded<T>(recorder: OperationRecorder, system: "redis" | "s3", operation: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const value = await fn();
    recorder.record(system, operation, (performance.now() - started) / 1000, false);
    return value;
  } catch (err) {
    recorder.record(system, operation, (performance.now() - started) / 1000, true);
    throw err;
  }
}

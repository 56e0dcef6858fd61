import { performance } from "node:perf_hooks";

/**
 * Where the network-backed adapters (Redis, S3) report each operation: its name, how long it
 * took, whether it failed. The service turns these into metrics; adapters know no metrics
 * library.
 */
export interface OperationRecorder {
  record(system: "redis" | "s3", operation: string, seconds: number, failed: boolean): void;
}

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

import type { Writable } from "node:stream";
import type { OutputRecord, Sink } from "../types.ts";
import { toJsonLines } from "./file-sink.ts";

/**
 * JSON lines on stdout, acknowledged when the stream has taken them (a full pipe waits here,
 * which is backpressure all the way back to the source). A closed pipe (EPIPE) fails the write.
 */
export class StdoutSink implements Sink {
  readonly kind = "stdout";
  private readonly out: Writable;

  constructor(out: Writable = process.stdout) {
    this.out = out;
  }

  write(records: readonly OutputRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.out.write(toJsonLines(records), (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {}
}

import { performance } from "node:perf_hooks";
import type { Readable } from "node:stream";
import { GatedSource } from "../pause-gate.ts";
import type { Source, SourcePosition, SourceRecord } from "../types.ts";
import { LineSplitter } from "./line-splitter.ts";

/**
 * JSON lines or CSV from standard input (or any readable stream). Reading is pulled by the
 * runner, so a slow pipeline leaves data in the pipe and the writer blocks. A pipe cannot be
 * replayed: positions are null and a restart starts with whatever arrives next.
 */
export class StdinSource extends GatedSource implements Source {
  readonly kind = "stdin";
  readonly replayable = false;
  private readonly input: Readable;
  private readonly format: "json" | "csv" | "auto";
  private readonly batchSize: number;
  private open = true;

  private readonly maxLineBytes: number;

  /** `maxLineBytes`: a line longer than this is cut there and dead-lettered (default 1 MiB). */
  constructor(options: { input?: Readable; format?: "json" | "csv" | "auto"; batchSize?: number; maxLineBytes?: number } = {}) {
    super();
    this.input = options.input ?? process.stdin;
    this.maxLineBytes = options.maxLineBytes ?? 1 << 20;
    this.format = options.format ?? "auto";
    this.batchSize = options.batchSize ?? 512;
  }

  get connected(): boolean {
    return this.open && !this.closed;
  }

  async commit(_position: SourcePosition): Promise<void> {}

  override async close(): Promise<void> {
    await super.close();
    // Ends a read that is waiting for input.
    this.input.destroy();
  }

  async *batches(_from: SourcePosition | undefined): AsyncIterable<SourceRecord[]> {
    const splitter = new LineSplitter();
    let batch: SourceRecord[] = [];
    const onLine = (text: string, line: number) => {
      batch.push({ raw: text, format: this.format, source: { kind: "stdin", line }, position: null, arrivedAt: performance.now() });
    };
    try {
      for await (const chunk of this.input) {
        splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer), onLine);
        if (splitter.pendingBytes > this.maxLineBytes) {
          // Memory stays bounded: the line is cut, and too long for validation to accept.
          onLine(`(line longer than ${this.maxLineBytes} bytes, cut) ` + "x".repeat(1 << 17), splitter.lineCount + 1);
          splitter.discardPending();
          splitter.lineCount++;
        }
        while (batch.length > 0) {
          await this.gate.wait();
          if (batch.length <= this.batchSize) {
            const out = batch;
            batch = [];
            yield out;
          } else yield batch.splice(0, this.batchSize);
        }
        if (this.closed) break;
      }
    } catch (err) {
      // Destroyed by close(): the end of input, not an error.
      if (!this.closed) throw err;
    }
    splitter.flush(onLine);
    if (batch.length > 0 && !this.closed) yield batch;
    this.open = false;
  }
}

import { open, type FileHandle } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { GatedSource } from "../pause-gate.ts";
import type { Source, SourcePosition, SourceRecord } from "../types.ts";
import { LineSplitter } from "./line-splitter.ts";

export interface FileSourceOptions {
  path: string;
  /** "json" for JSON lines, "csv" for key,ts,v1,…; default from the extension (.csv → csv). */
  format?: "json" | "csv";
  /** Keep reading as the file grows instead of ending at its end. */
  follow?: boolean;
  /** Records per batch (default 512). */
  batchSize?: number;
  /** Poll interval while following (default 200 ms). */
  followPollMs?: number;
  /** A line longer than this is cut there and dead-lettered (default 1 MiB). */
  maxLineBytes?: number;
}

/** Resume position of a file: the byte offset after the last consumed line, and its number. */
export interface FilePosition {
  offset: number;
  line: number;
}

/** Thrown when a checkpoint's position lies beyond the end of the file: another file, or one cut short. */
export class FilePositionError extends Error {
  override name = "FilePositionError";
}

const CHUNK = 256 * 1024;

/**
 * JSON lines or CSV from a file, resumable by byte offset. Pulling is the backpressure:
 * nothing is read until the runner asks for the next batch, so at most one chunk and one
 * batch are in memory. A CSV header line (one whose second field is not a number) is skipped.
 */
export class FileSource extends GatedSource implements Source {
  readonly kind = "file";
  readonly replayable = true;
  private readonly options: Required<FileSourceOptions>;
  private handle: FileHandle | undefined;

  constructor(options: FileSourceOptions) {
    super();
    this.options = {
      path: options.path,
      format: options.format ?? (options.path.toLowerCase().endsWith(".csv") ? "csv" : "json"),
      follow: options.follow ?? false,
      batchSize: options.batchSize ?? 512,
      followPollMs: options.followPollMs ?? 200,
      maxLineBytes: options.maxLineBytes ?? 1 << 20,
    };
  }

  get connected(): boolean {
    return this.handle !== undefined && !this.closed;
  }

  async commit(_position: SourcePosition): Promise<void> {
    // The offset lives in the checkpoint; the file itself needs no acknowledgement.
  }

  override async close(): Promise<void> {
    await super.close();
  }

  async *batches(from: SourcePosition | undefined): AsyncIterable<SourceRecord[]> {
    const start = readPosition(from);
    const { path, format, follow, batchSize, followPollMs, maxLineBytes } = this.options;
    this.handle = await open(path, "r");
    const { size } = await this.handle.stat();
    if (start.offset > size) {
      await this.handle.close();
      this.handle = undefined;
      throw new FilePositionError(
        `${path}: the checkpoint resumes at byte ${start.offset}, beyond the end of the file (${size} bytes); ` +
          "it was written for another or a longer file: use another --store, or delete it to start over",
      );
    }
    try {
      const splitter = new LineSplitter(start.offset, start.line);
      const buffer = Buffer.allocUnsafe(CHUNK);
      let readOffset = start.offset;
      let batch: SourceRecord[] = [];
      const onLine = (text: string, line: number, offsetAfter: number) => {
        if (format === "csv" && line === 1 && isCsvHeader(text)) return;
        batch.push({
          raw: text,
          format,
          source: { kind: "file", path, line, offset: offsetAfter - Buffer.byteLength(text) - 1 },
          position: { offset: offsetAfter, line } satisfies FilePosition,
          arrivedAt: performance.now(),
        });
      };
      while (!this.closed) {
        await this.gate.wait();
        if (this.closed) break;
        const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, readOffset);
        if (bytesRead === 0) {
          if (!follow) splitter.flush(onLine);
          if (batch.length > 0) {
            yield batch;
            batch = [];
          }
          if (!follow) break;
          await sleep(followPollMs);
          continue;
        }
        readOffset += bytesRead;
        // Copy: the read buffer is reused and the splitter may keep a partial line.
        splitter.push(Buffer.from(buffer.subarray(0, bytesRead)), onLine);
        if (splitter.pendingBytes > maxLineBytes) {
          const line = splitter.lineCount + 1;
          batch.push({
            raw: "(line longer than " + maxLineBytes + " bytes, cut) " + "x".repeat(Math.min(maxLineBytes, 1 << 17)),
            format,
            source: { kind: "file", path, line, offset: splitter.offset },
            position: { offset: splitter.offset + splitter.pendingBytes, line } satisfies FilePosition,
            arrivedAt: performance.now(),
          });
          splitter.discardPending();
          splitter.lineCount = line;
        }
        while (batch.length >= batchSize) {
          yield batch.splice(0, batchSize);
          await this.gate.wait();
        }
      }
    } finally {
      await this.handle.close();
      this.handle = undefined;
    }
  }
}

function readPosition(from: SourcePosition | undefined): FilePosition {
  if (from && typeof from === "object" && typeof from.offset === "number" && typeof from.line === "number") {
    return { offset: from.offset, line: from.line };
  }
  return { offset: 0, line: 0 };
}

function isCsvHeader(line: string): boolean {
  const second = line.split(",")[1];
  return second === undefined || Number.isNaN(Number(second.trim().replace(/^"|"$/g, "")));
}

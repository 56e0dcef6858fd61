import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { systemReason } from "../system-reason.ts";
import { GatedSource } from "../pause-gate.ts";
import { SetupError, type Source, type SourcePosition, type SourceRecord } from "../types.ts";
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

/**
 * Which file a position belongs to: its inode and a hash of its first bytes (up to 64 KiB,
 * as many as it had when it was opened). A file rotated away and replaced by a new one at
 * the same path, or rewritten in place, differs in one or the other.
 */
export type FileIdentity = {
  inode: number;
  headBytes: number;
  headSha256: string;
};

/** Resume position of a file: the byte offset after the last consumed line, its number, and the file. */
export type FilePosition = {
  offset: number;
  line: number;
  /** Absent in positions written before files carried their identity: then only the size is checked. */
  file?: FileIdentity;
};

/**
 * Thrown when a checkpoint's position does not fit the file at its path: it lies beyond the
 * end, or the file is another one (rotated, replaced, rewritten).
 */
export class FilePositionError extends SetupError {
  override name = "FilePositionError";
}

const CHUNK = 256 * 1024;
const HEAD_BYTES = 64 * 1024;

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
    try {
      this.handle = await open(path, "r");
    } catch (err) {
      throw new SetupError(`source file ${path}: cannot open it: ${systemReason(err)}`);
    }
    let identity: FileIdentity;
    try {
      identity = await checkResume(this.handle, path, start);
    } catch (err) {
      await this.handle.close();
      this.handle = undefined;
      throw err;
    }
    try {
      const splitter = new LineSplitter(start.offset, start.line);
      const buffer = Buffer.allocUnsafe(CHUNK);
      let readOffset = start.offset;
      let batch: SourceRecord[] = [];
      const onLine = (text: string, line: number, offsetAfter: number, offsetOfStart: number) => {
        if (format === "csv" && line === 1 && isCsvHeader(text)) return;
        batch.push({
          raw: text,
          format,
          source: { kind: "file", path, line, offset: offsetOfStart },
          position: { offset: offsetAfter, line, file: identity } satisfies FilePosition,
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
            position: { offset: splitter.offset + splitter.pendingBytes, line, file: identity } satisfies FilePosition,
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
    const file = from.file as Partial<FileIdentity> | undefined;
    const known = file && typeof file.inode === "number" && typeof file.headBytes === "number" && typeof file.headSha256 === "string";
    return { offset: from.offset, line: from.line, file: known ? (file as FileIdentity) : undefined };
  }
  return { offset: 0, line: 0 };
}

/**
 * The open file's identity, after checking that a checkpoint's position belongs to it: the
 * same inode, the same first bytes, and at least as many bytes as the position skips.
 */
async function checkResume(handle: FileHandle, path: string, start: FilePosition): Promise<FileIdentity> {
  const { size, ino } = await handle.stat();
  const identity: FileIdentity = { inode: ino, headBytes: Math.min(size, HEAD_BYTES), headSha256: await headHash(handle, Math.min(size, HEAD_BYTES)) };
  const advice = "move the store aside (or use another --store) to read this file from its start, or put the original file back";
  if (start.offset > size) {
    throw new FilePositionError(
      `${path}: the checkpoint resumes at byte ${start.offset}, beyond the end of the file (${size} bytes): ` +
        `the file was replaced or cut short since; ${advice}`,
    );
  }
  const saved = start.file;
  if (saved === undefined) return identity;
  const sameHead = saved.headBytes <= size && (saved.headBytes === identity.headBytes ? identity.headSha256 : await headHash(handle, saved.headBytes)) === saved.headSha256;
  if (saved.inode !== ino || !sameHead) {
    const what = saved.inode !== ino ? `inode ${ino}, not ${saved.inode}` : `its first ${saved.headBytes} bytes differ`;
    throw new FilePositionError(
      `${path} is not the file the checkpoint was taken on (${what}): it was rotated or replaced, and resuming at byte ${start.offset} ` +
        `would skip the start of the new file; ${advice}`,
    );
  }
  return identity;
}

async function headHash(handle: FileHandle, bytes: number): Promise<string> {
  const head = Buffer.alloc(bytes);
  let got = 0;
  while (got < bytes) {
    const { bytesRead } = await handle.read(head, got, bytes - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return createHash("sha256").update(head.subarray(0, got)).digest("hex");
}

function isCsvHeader(line: string): boolean {
  const second = line.split(",")[1];
  return second === undefined || Number.isNaN(Number(second.trim().replace(/^"|"$/g, "")));
}

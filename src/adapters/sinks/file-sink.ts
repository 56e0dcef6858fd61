import { mkdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { systemReason } from "../system-reason.ts";
import { SetupError, type OutputRecord, type Sink } from "../types.ts";
import { outputText } from "../output-json.ts";

export interface FileSinkOptions {
  /** Also survive a machine crash: each batch is synced to disk, at a cost. */
  fsync?: boolean;
  /** Told how many bytes of a torn last line were cut when the file was opened. */
  onTornLine?: (bytesCut: number) => void;
}

/**
 * JSON lines appended to a file. A batch is one write, acknowledged when the kernel has it
 * (enough for a killed process; `fsync: true` also survives a machine crash, at a cost).
 *
 * A process killed in the middle of a write can leave a torn last line. Its records were not
 * acknowledged, so the restart produces them again; on opening, the file is cut back to its
 * last complete line so that they do not follow half a line.
 */
export class FileSink implements Sink {
  readonly kind = "file";
  readonly path: string;
  private handle: Promise<FileHandle>;
  private readonly fsync: boolean;

  constructor(path: string, options: FileSinkOptions = {}) {
    this.path = path;
    this.fsync = options.fsync ?? false;
    this.handle = openAtLastLine(path, options.onTornLine);
    // An unopenable path is reported by the first write, not as an unhandled rejection.
    this.handle.catch(() => undefined);
  }

  /** Resolves once the file is open (and repaired); rejects with a SetupError naming the path. */
  async ready(): Promise<void> {
    await this.handle;
  }

  async write(records: readonly OutputRecord[]): Promise<void> {
    if (records.length === 0) return;
    const handle = await this.handle;
    await handle.write(toJsonLines(records));
    if (this.fsync) await handle.datasync();
  }

  async close(): Promise<void> {
    const handle = await this.handle.catch(() => undefined);
    await handle?.close();
  }
}

const TAIL_CHUNK = 64 * 1024;

/** Opens `path` for appending, first cutting off whatever follows its last newline. */
async function openAtLastLine(path: string, onTornLine?: (bytesCut: number) => void): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new SetupError(`sink file ${path}: cannot create its directory ${dirname(path)}: ${systemReason(err)}`);
  }
  try {
    handle = await open(path, "a+");
  } catch (err) {
    throw new SetupError(`sink file ${path}: cannot open it for appending: ${systemReason(err)}`);
  }
  try {
    const { size } = await handle.stat();
    const end = await endOfLastLine(handle, size);
    if (end < size) {
      await handle.truncate(end);
      onTornLine?.(size - end);
    }
    return handle;
  } catch (err) {
    await handle.close();
    throw new SetupError(`sink file ${path}: cannot repair its last line: ${systemReason(err)}`);
  }
}

/** Offset just after the last "\n" in the first `size` bytes (0 when there is none). */
async function endOfLastLine(handle: FileHandle, size: number): Promise<number> {
  const chunk = Buffer.alloc(Math.min(size, TAIL_CHUNK));
  let to = size;
  while (to > 0) {
    const from = Math.max(0, to - chunk.length);
    const { bytesRead } = await handle.read(chunk, 0, to - from, from);
    const nl = chunk.lastIndexOf(10, bytesRead - 1);
    if (nl !== -1) return from + nl + 1;
    to = from;
  }
  return 0;
}

export function toJsonLines(records: readonly OutputRecord[]): string {
  let text = "";
  for (const r of records) text += outputText(r) + "\n";
  return text;
}

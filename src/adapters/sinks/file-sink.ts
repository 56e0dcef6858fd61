import { mkdirSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import type { OutputRecord, Sink } from "../types.ts";

/**
 * JSON lines appended to a file. A batch is one write, acknowledged when the kernel has it
 * (enough for a killed process; `fsync: true` also survives a machine crash, at a cost).
 */
export class FileSink implements Sink {
  readonly kind = "file";
  readonly path: string;
  private handle: Promise<FileHandle>;
  private readonly fsync: boolean;

  constructor(path: string, options: { fsync?: boolean } = {}) {
    this.path = path;
    this.fsync = options.fsync ?? false;
    mkdirSync(dirname(path), { recursive: true });
    this.handle = open(path, "a");
    // An unopenable path is reported by the first write, not as an unhandled rejection.
    this.handle.catch(() => undefined);
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

export function toJsonLines(records: readonly OutputRecord[]): string {
  let text = "";
  for (const r of records) text += JSON.stringify(r) + "\n";
  return text;
}

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backup, DatabaseSync } from "node:sqlite";
import { SqliteStateStore } from "../../adapters/store/sqlite-store.ts";
import { WHOLE_STATE, type SourcePosition, type StateStore } from "../../adapters/types.ts";
import { TdaInputError } from "../../tda/types.ts";

/**
 * A consistent copy of the embedded store's file while the service may be writing it:
 * SQLite's online backup copies a snapshot in which a checkpoint transaction is either
 * whole or absent. The copy is opened through the StateStore interface for what the
 * archive lists beside it.
 */
export async function copyStoreFile(path: string): Promise<Buffer> {
  let source: DatabaseSync;
  try {
    source = new DatabaseSync(path, { readOnly: true });
  } catch (err) {
    throw new TdaInputError(`store ${path}: cannot open: ${(err as Error).message}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "streaming-tda-backup-"));
  try {
    source.exec("PRAGMA busy_timeout = 5000");
    await backup(source, join(dir, "store.sqlite"));
    return readFileSync(join(dir, "store.sqlite"));
  } catch (err) {
    throw new TdaInputError(`store ${path}: cannot copy: ${(err as Error).message}`);
  } finally {
    source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens a store file through the StateStore interface; the caller closes it. */
export function openStore(path: string): StateStore {
  return new SqliteStateStore(path);
}

/**
 * What a store's last checkpoint of the whole state resumes from, or null for a store without
 * one. Only for a copy of the store: claiming the partition fences any other owner of it.
 */
export async function checkpointOffsets(store: StateStore): Promise<{ position: SourcePosition | null; takenAt: number } | null> {
  const checkpoint = await (await store.claim(WHOLE_STATE)).load();
  if (!checkpoint) return null;
  return { position: checkpoint.position ?? null, takenAt: checkpoint.takenAt };
}

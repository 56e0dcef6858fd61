import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { TdaInputError } from "../../tda/types.ts";
import { ArchiveError, type Manifest } from "./archive.ts";
import { decodeResults, ENTRY, type ReadArchive } from "./entries.ts";
import { checkpointOffsets, openStore } from "./store-copy.ts";

export interface RestoreOptions {
  archivePath: string;
  /** The archive, read and verified (readArchive). */
  archive: ReadArchive;
  /** Where the store goes; omitted with verifyOnly. */
  storePath?: string;
  /** Where the archived config goes, if anywhere. */
  configOut?: string;
  /** Replace an existing store or config file. */
  force: boolean;
  /** Check the archive completely and write nothing. */
  verifyOnly: boolean;
}

export interface RestoreResult {
  manifest: Manifest;
  position: unknown;
  keys: number;
  results: number;
  wrote: string[];
}

/**
 * Restores an embedded store's archive. Everything is checked before anything is written:
 * the archive's authentication and checksums, the store file it holds (it opens as a store
 * and its checkpoint resumes from the archived offsets), and that no existing file would be
 * replaced without `force`. Then the store is written beside its destination and renamed
 * into place.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { archivePath, storePath, configOut, force } = options;
  const { manifest, need } = options.archive;
  const storeBytes = need(ENTRY.store);
  const offsets = JSON.parse(need(ENTRY.offsets).toString("utf8")) as { position: unknown } | null;
  const results = decodeResults(need(ENTRY.results), archivePath).length;
  if (!options.verifyOnly) {
    if (storePath === undefined) throw new TdaInputError("restore: give --store PATH (or --config FILE naming it)");
    if (existsSync(storePath) && !force) throw new TdaInputError(`store ${storePath} exists: stop the service using it, then give --force to replace it`);
    if (configOut !== undefined) writeArchivedConfig(options.archive, archivePath, configOut, force, false);
  }
  // The store is staged beside its destination (one file system, so the rename is atomic).
  const stageDir = options.verifyOnly || storePath === undefined ? tmpdir() : dirname(storePath);
  if (!options.verifyOnly) mkdirSync(stageDir, { recursive: true });
  const staged = join(stageDir, `.${basename(storePath ?? "store")}.restore-${process.pid}-${Date.now()}`);
  const wrote: string[] = [];
  let keys = 0;
  try {
    writeFileSync(staged, storeBytes);
    let store;
    try {
      store = openStore(staged);
    } catch (err) {
      throw new ArchiveError(`${archivePath}: inconsistent archive: its store does not open: ${(err as Error).message}`);
    }
    try {
      const restored = await checkpointOffsets(store);
      if (!isDeepStrictEqual(restored?.position ?? null, offsets?.position ?? null)) {
        throw new ArchiveError(`${archivePath}: inconsistent archive: the store resumes from ${JSON.stringify(restored?.position)}, the offsets entry says ${JSON.stringify(offsets?.position)}`);
      }
      keys = (await store.keys()).length;
    } finally {
      await store.close();
    }
    if (!options.verifyOnly && storePath !== undefined) {
      // A write-ahead log left by the replaced store would be replayed into the new one.
      rmSync(`${storePath}-wal`, { force: true });
      rmSync(`${storePath}-shm`, { force: true });
      renameSync(staged, storePath);
      wrote.push(storePath);
      if (configOut !== undefined) {
        writeArchivedConfig(options.archive, archivePath, configOut, force, true);
        wrote.push(configOut);
      }
    }
  } finally {
    rmSync(staged, { force: true });
    rmSync(`${staged}-wal`, { force: true });
    rmSync(`${staged}-shm`, { force: true });
  }
  return { manifest, position: offsets?.position ?? null, keys, results, wrote };
}

/**
 * The archived config, written to `configOut` (write) or only checked (not write): the archive
 * must hold one, and an existing file is replaced only with `force`.
 */
export function writeArchivedConfig(archive: ReadArchive, archivePath: string, configOut: string, force: boolean, write: boolean): void {
  const config = archive.entries.get(ENTRY.config);
  if (!config) throw new TdaInputError(`${archivePath}: holds no config (it was made with --store only); leave out --config-out`);
  if (existsSync(configOut) && !force) throw new TdaInputError(`${configOut} exists: give --force to replace it`);
  if (write) writeFileSync(configOut, config);
}

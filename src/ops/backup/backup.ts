import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TdaInputError } from "../../tda/types.ts";
import { sealArchive, type Manifest } from "./archive.ts";
import { archiveInfo, encodeResults, ENTRY, recentResults } from "./entries.ts";
import { checkpointOffsets, copyStoreFile, openStore } from "./store-copy.ts";
import { readNamedFile } from "../read-file.ts";

export interface BackupOptions {
  storePath: string;
  /** The pipeline config to archive with the state (its text, as it is). */
  configPath?: string;
  /** Recent results: those ending within this many hours before each key's latest one. */
  resultsHours: number;
  key: Buffer;
}

export interface BackupResult {
  archive: Buffer;
  manifest: Manifest;
  keys: number;
  results: number;
  position: unknown;
}

/**
 * One archive of an embedded store: the store file (a consistent online copy), the source
 * offsets its checkpoint resumes from, the config, and each key's recent window results.
 */
export async function createBackup(options: BackupOptions): Promise<BackupResult> {
  const { storePath, configPath } = options;
  if (!existsSync(storePath)) throw new TdaInputError(`store ${storePath}: no such file`);
  const config = configPath === undefined ? undefined : readNamedFile(configPath, "config");
  const storeBytes = await copyStoreFile(storePath);
  // Offsets and results are read from the copy, so that they agree with it exactly.
  const dir = mkdtempSync(join(tmpdir(), "streaming-tda-backup-"));
  try {
    writeFileSync(join(dir, ENTRY.store), storeBytes);
    const store = openStore(join(dir, ENTRY.store));
    try {
      const offsets = await checkpointOffsets(store);
      const keys = await store.keys();
      const results = await recentResults(store, options.resultsHours);
      const entries = [
        { name: ENTRY.store, data: storeBytes },
        { name: ENTRY.offsets, data: Buffer.from(JSON.stringify(offsets) + "\n") },
        { name: ENTRY.results, data: encodeResults(results) },
        ...(config === undefined ? [] : [{ name: ENTRY.config, data: config }]),
      ];
      const info = archiveInfo({ store: store.kind, storePath, config: configPath ?? null, keys: keys.length, results: results.length, resultsHours: options.resultsHours });
      const { bytes, manifest } = sealArchive(entries, info, options.key);
      return { archive: bytes, manifest, keys: keys.length, results: results.length, position: offsets?.position ?? null };
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import type { OutputRecord, StateStore } from "../../adapters/types.ts";
import { ArchiveError, openArchive, type Manifest } from "./archive.ts";
import { readNamedFile } from "../read-file.ts";
import { projectVersion } from "../version.ts";

/**
 * The entries of a backup archive, by name. An embedded store's archive holds `store.sqlite`
 * and `offsets.json`; a Redis store's holds `partitions.json` and one `state/NAME` per state
 * partition. Both hold the recent results and, if given, the config.
 */
export const ENTRY = {
  store: "store.sqlite",
  offsets: "offsets.json",
  partitions: "partitions.json",
  statePrefix: "state/",
  config: "config.yaml",
  results: "results.jsonl",
} as const;

/** Results kept per key in the archive's results entry. */
const RESULTS_PER_KEY = 10_000;

/** Each key's window results that end within `hours` of its latest one, read through the store's query interface. */
export async function recentResults(store: StateStore, hours: number): Promise<OutputRecord[]> {
  const results: OutputRecord[] = [];
  for (const k of await store.keys()) {
    if (k.lastEnd === null) continue;
    results.push(...(await store.history(k.key, k.lastEnd - hours * 3_600_000, Infinity, RESULTS_PER_KEY)));
  }
  return results;
}

export function encodeResults(results: readonly OutputRecord[]): Buffer {
  return Buffer.from(results.map((r) => JSON.stringify(r) + "\n").join(""));
}

/** The results entry's records; a line that is not a window result is an inconsistent archive. */
export function decodeResults(data: Buffer, archivePath: string): OutputRecord[] {
  return data
    .toString("utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line, i) => {
      let record: OutputRecord;
      try {
        record = JSON.parse(line) as OutputRecord;
      } catch {
        throw new ArchiveError(`${archivePath}: inconsistent archive: ${ENTRY.results} line ${i + 1} is not JSON`);
      }
      if (record?.type !== "window") throw new ArchiveError(`${archivePath}: inconsistent archive: ${ENTRY.results} line ${i + 1} is not a window result`);
      return record;
    });
}

/** The manifest's description of an archive made now from `origin`. */
export function archiveInfo(origin: Manifest["origin"]): Omit<Manifest, "format" | "entries"> {
  return { project: "streaming-tda", projectVersion: projectVersion(), createdAt: new Date().toISOString(), origin };
}

export interface ReadArchive {
  manifest: Manifest;
  entries: Map<string, Buffer>;
  /** The entry's bytes; an archive without it is refused as inconsistent. */
  need(name: string): Buffer;
}

/** Reads, decrypts and verifies an archive file whole (see openArchive). */
export function readArchive(archivePath: string, key: Buffer): ReadArchive {
  const { manifest, entries } = openArchive(readNamedFile(archivePath, ""), key, archivePath);
  return {
    manifest,
    entries,
    need(name) {
      const data = entries.get(name);
      if (!data) throw new ArchiveError(`${archivePath}: inconsistent archive: no ${name} entry`);
      return data;
    },
  };
}

import type { OutputRecord, ResultArchive, Sink, StateStore } from "../types.ts";

/** Window results into the store's history, for the query API and the dashboard. */
export class StoreSink implements Sink {
  readonly kind = "store";
  private readonly store: StateStore;

  constructor(store: StateStore) {
    this.store = store;
  }

  write(records: readonly OutputRecord[]): Promise<void> {
    return this.store.appendResults(records);
  }

  async close(): Promise<void> {}
}

/** Discards outputs (benchmarks; runs that only feed the store). */
export class NullSink implements Sink {
  readonly kind = "none";
  async write(_records: readonly OutputRecord[]): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * Window results into the archive. Acknowledged once queued: the archive is a copy for
 * history beyond the store's retention, written in batches; waiting for S3 on every output
 * batch would put its latency on the hot path.
 */
export class ArchiveSink implements Sink {
  readonly kind = "archive";
  private readonly archive: ResultArchive;

  constructor(archive: ResultArchive) {
    this.archive = archive;
  }

  write(records: readonly OutputRecord[]): Promise<void> {
    return this.archive.append(records);
  }

  close(): Promise<void> {
    return this.archive.close();
  }
}

import type { OutputRecord, Sink, StateStore } from "../types.ts";

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

import type { KeySummary, OutputRecord, Sink, StateStore } from "../../adapters/types.ts";
import type { FeatureEvent, WindowResult } from "../../stream/types.ts";
import type { KeyStatus, LiveBatch } from "./live-types.ts";



export interface LiveFeedOptions {
  /** The store the results are written to: counts come from it, so they agree with the query API. */
  store?: StateStore;
  /** Keys whose status is kept (the least recently updated are dropped beyond it). */
  maxKeys?: number;
  /** Window results and feature events kept for clients that reconnect. */
  ringSize?: number;
}

interface Status extends KeyStatus {
  changed: number;
  rateSeq: number;
  rateAt: number;
}

/**
 * The live side of the outputs, for the page: the status of each recently active key and
 * a bounded ring of the latest window results and feature events, each numbered with a feed
 * position. A client that has seen position N asks for what came after it (batchSince),
 * whether over server-sent events, after a reconnect (Last-Event-ID) or by polling. Memory
 * is bounded by maxKeys statuses and ringSize records, whatever the number of keys.
 */
export class LiveFeed {
  private readonly store: StateStore | undefined;
  private readonly maxKeys: number;
  private readonly ring: Array<{ seq: number; key: string; record: WindowResult | FeatureEvent } | undefined>;
  private ringNext = 0;
  private seq = 0;
  private readonly statuses = new Map<string, Status>();
  private readonly listeners = new Set<() => void>();
  /** Publications in order: counts read from the store after one batch never overtake the next. */
  private publishing: Promise<void> = Promise.resolve();

  constructor(options: LiveFeedOptions = {}) {
    this.store = options.store;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.ring = new Array(options.ringSize ?? 4096);
  }

  /** The newest feed position. */
  get position(): number {
    return this.seq;
  }

  /**
   * A sink that writes to `inner` (the store's sink), then publishes what it wrote. The
   * pipeline does not wait for the publication: the page must never slow or fail it.
   */
  after(inner: Sink): Sink {
    return {
      kind: inner.kind,
      write: async (records) => {
        await inner.write(records);
        void this.publish(records);
      },
      close: () => inner.close(),
    };
  }

  /** Calls `listener` after each publication with something new; returns the unsubscribe. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(records: readonly OutputRecord[]): Promise<void> {
    const windows = records.filter((r): r is WindowResult => r.type === "window");
    const features = records.filter((r): r is FeatureEvent => r.type === "feature_birth" || r.type === "feature_death" || r.type === "feature_update");
    if (windows.length === 0 && features.length === 0) return this.publishing;
    this.publishing = this.publishing.then(async () => {
      // Counts from the store agree with the query API; if it cannot answer now, the feed
      // counts on from what it has.
      const summaries = this.store && windows.length > 0 ? await this.store.keySummaries(windows.map((w) => w.key)).catch(() => []) : [];
      this.apply(windows, features, summaries);
    });
    // The page is best effort: a failed publication leaves the chain usable for the next.
    this.publishing = this.publishing.catch(() => undefined);
    return this.publishing;
  }

  private apply(windows: WindowResult[], features: FeatureEvent[], summaries: KeySummary[]): void {
    const now = Date.now();
    const counts = new Map(summaries.map((s) => [s.key, s]));
    for (const w of windows) {
      const seq = this.push(w.key, w);
      let status = this.statuses.get(w.key);
      if (status) this.statuses.delete(w.key);
      else {
        status = { key: w.key, windows: 0, anomalies: 0, lastEnd: null, lastSeq: w.lastSeq, anomaly: false, score: null, rate: 0, updatedAt: now, changed: seq, rateSeq: w.lastSeq, rateAt: now };
        if (this.statuses.size >= this.maxKeys) this.statuses.delete(this.statuses.keys().next().value!);
      }
      // Re-inserted: the map's order is the order of updates, oldest first.
      this.statuses.set(w.key, status);
      const stored = counts.get(w.key);
      status.windows = stored ? stored.windows : status.windows + 1;
      status.anomalies = stored ? stored.anomalies : status.anomalies + (w.anomaly ? 1 : 0);
      status.lastEnd = stored ? stored.lastEnd : w.end;
      status.lastSeq = w.lastSeq;
      status.anomaly = w.anomaly;
      status.score = w.score;
      status.updatedAt = now;
      status.changed = seq;
      // Events per second over at least a second of wall time, smoothed over a few seconds.
      const elapsed = now - status.rateAt;
      if (elapsed >= 1000) {
        const instant = ((w.lastSeq - status.rateSeq) * 1000) / elapsed;
        status.rate = status.rate === 0 ? instant : 0.6 * status.rate + 0.4 * instant;
        status.rateAt = now;
        status.rateSeq = w.lastSeq;
      }
    }
    for (const f of features) this.push(f.key, f);
    for (const listener of this.listeners) listener();
  }

  private push(key: string, record: WindowResult | FeatureEvent): number {
    const seq = ++this.seq;
    this.ring[this.ringNext] = { seq, key, record };
    this.ringNext = (this.ringNext + 1) % this.ring.length;
    return seq;
  }

  /** What a client at position `since` is missing: statuses of every key, records of `key` only. */
  batchSince(since: number, key: string | undefined): LiveBatch {
    // Position 0 is a new client, which gets all there is; a position from before a restart of
    // the feed, or older than what it keeps, is a gap.
    const oldest = this.ring[this.ringNext]?.seq ?? this.ring[0]?.seq ?? 1;
    const gap = since > 0 && (since < oldest - 1 || since > this.seq);
    const from = gap ? 0 : since;
    const statuses: KeyStatus[] = [];
    for (const s of this.statuses.values()) {
      if (s.changed > from) statuses.push({ key: s.key, windows: s.windows, anomalies: s.anomalies, lastEnd: s.lastEnd, lastSeq: s.lastSeq, anomaly: s.anomaly, score: s.score, rate: s.rate, updatedAt: s.updatedAt });
    }
    const results: WindowResult[] = [];
    const features: FeatureEvent[] = [];
    if (key !== undefined) {
      const n = this.ring.length;
      for (let i = 0; i < n; i++) {
        const entry = this.ring[(this.ringNext + i) % n];
        if (entry === undefined || entry.seq <= from || entry.key !== key) continue;
        if (entry.record.type === "window") results.push(entry.record);
        else features.push(entry.record);
      }
    }
    return { seq: this.seq, gap, statuses, results, features };
  }
}

/**
 * Everything about one key: its dimension, the reorder buffer that puts events in event-time
 * order, the delay embedding of a scalar stream, and one ScaleWindow per scale.
 *
 * Lateness: events are placed into the windows in event-time order (ties in arrival order).
 * With allowedLatenessMs L, an event waits in the reorder buffer until the key's largest
 * event time is at least L past it, so events up to L out of order still land in order. An
 * event older than the last event already placed cannot be placed any more: it is late, and
 * latePolicy makes it a `late` dead letter or drops it; either way it is counted. The
 * watermark is per key, so keys never wait on each other.
 */
import type { CountsBook } from "./counts.ts";
import type { ResolvedConfig } from "./config.ts";
import { ScaleWindow } from "./scale-window.ts";
import type { KeyState, OutputRecord, RawRecord, ScaleState } from "./types.ts";
import { deadLetter, type ParsedEvent } from "./validate.ts";

interface PendingEvent {
  ts: number;
  value: number | number[];
  arrival: number;
}

export class KeyStream {
  readonly key: string;
  private readonly config: ResolvedConfig;
  dimension = 0;
  private nextSeq = 0;
  private maxTs: number | null = null;
  private releasedTs: number | null = null;
  private pending: PendingEvent[] = [];
  private nextArrival = 0;
  /** Scalar streams: the last (dimension−1)·delay+1 samples, oldest first. */
  private embedHistory: number[] = [];
  private readonly point: Float64Array;
  private scales: ScaleWindow[] = [];
  lastUsed = 0;

  constructor(key: string, config: ResolvedConfig) {
    this.key = key;
    this.config = config;
    this.point = new Float64Array(config.embedding?.dimension ?? 0);
  }

  /** Takes a validated event: dead-letters it (dimension, lateness) or places or buffers it. */
  accept(event: ParsedEvent, record: RawRecord, out: OutputRecord[], book: CountsBook): void {
    const config = this.config;
    let dimension: number;
    if (config.embedding !== null) {
      if (event.vector !== null) {
        this.reject("dimension_mismatch", `value is a list of ${event.vector.length}, but this pipeline embeds scalar streams (embedding is set): send one number`, record, out, book);
        return;
      }
      dimension = config.embedding.dimension;
    } else {
      if (event.vector === null) {
        this.reject("dimension_mismatch", "value is a single number, but no embedding is configured: send a list of coordinates, or set embedding for scalar streams", record, out, book);
        return;
      }
      dimension = event.vector.length;
      if (this.dimension !== 0 && dimension !== this.dimension) {
        this.reject("dimension_mismatch", `value has ${dimension} coordinates; key "${this.key}" has ${this.dimension}`, record, out, book);
        return;
      }
    }
    const ts = event.ts;
    if (this.releasedTs !== null && ts < this.releasedTs) {
      book.late++;
      if (config.latePolicy === "drop") {
        book.dropped++;
        return;
      }
      this.reject("late", `ts ${ts} is ${this.releasedTs - ts} ms before an event of this key already placed (allowed lateness ${config.allowedLatenessMs} ms)`, record, out, book);
      return;
    }
    if (this.dimension === 0) this.startScales(dimension);
    if (this.maxTs === null || ts > this.maxTs) this.maxTs = ts;
    const value = event.vector ?? event.scalar;
    if (config.allowedLatenessMs === 0) {
      book.processed++;
      this.place(ts, value, out, book);
      return;
    }
    // Keep the buffer sorted by (ts, arrival): events mostly come in order, so this rarely moves anything.
    const entry: PendingEvent = { ts, value, arrival: this.nextArrival++ };
    let at = this.pending.length;
    while (at > 0 && this.pending[at - 1].ts > ts) at--;
    this.pending.splice(at, 0, entry);
    book.buffered++;
    this.releaseUpTo(this.maxTs - config.allowedLatenessMs, out, book);
  }

  /** Places every buffered event (end of input, or eviction). */
  releaseAll(out: OutputRecord[], book: CountsBook): void {
    this.releaseUpTo(Infinity, out, book);
  }

  /** End of input: places every buffered event, then closes the open time windows. */
  closeAll(out: OutputRecord[], book: CountsBook): void {
    this.releaseAll(out, book);
    for (const scale of this.scales) scale.closeOpenWindows(out, book);
  }

  private releaseUpTo(watermark: number, out: OutputRecord[], book: CountsBook): void {
    let released = 0;
    while (released < this.pending.length && this.pending[released].ts <= watermark) {
      const event = this.pending[released++];
      book.buffered--;
      book.processed++;
      this.place(event.ts, event.value, out, book);
    }
    if (released > 0) this.pending.splice(0, released);
  }

  private place(ts: number, value: number | number[], out: OutputRecord[], book: CountsBook): void {
    const seq = this.nextSeq++;
    this.releasedTs = ts;
    const embedding = this.config.embedding;
    if (embedding === null) {
      const vector = value as number[];
      for (const scale of this.scales) scale.addPoint(seq, ts, vector, 0, out, book);
      return;
    }
    const history = this.embedHistory;
    const span = (embedding.dimension - 1) * embedding.delay + 1;
    history.push(value as number);
    if (history.length > span) history.shift();
    if (history.length < span) return;
    // Point t is (x[t], x[t−delay], …): newest sample first.
    for (let k = 0; k < embedding.dimension; k++) this.point[k] = history[span - 1 - k * embedding.delay];
    for (const scale of this.scales) scale.addPoint(seq, ts, this.point, 0, out, book);
  }

  private startScales(dimension: number): void {
    this.dimension = dimension;
    this.scales = this.config.scales.map((scale) => new ScaleWindow(this.key, scale, dimension, this.config));
  }

  private reject(reason: "dimension_mismatch" | "late", detail: string, record: RawRecord, out: OutputRecord[], book: CountsBook): void {
    const letter = deadLetter(reason, detail, record, this.config, this.key);
    book.deadLetter(letter);
    out.push(letter);
  }

  toState(): KeyState {
    const scales: Record<string, ScaleState> = {};
    for (const scale of this.scales) scales[scale.scale.name] = scale.toState();
    return {
      dimension: this.dimension,
      nextSeq: this.nextSeq,
      maxTs: this.maxTs,
      releasedTs: this.releasedTs,
      pending: this.pending.map((p) => ({ ts: p.ts, value: Array.isArray(p.value) ? [...p.value] : p.value, arrival: p.arrival })),
      nextArrival: this.nextArrival,
      embedHistory: [...this.embedHistory],
      scales,
      lastUsed: this.lastUsed,
    };
  }

  static fromState(key: string, state: KeyState, config: ResolvedConfig): KeyStream {
    const stream = new KeyStream(key, config);
    stream.nextSeq = state.nextSeq;
    stream.maxTs = state.maxTs;
    stream.releasedTs = state.releasedTs;
    stream.pending = state.pending.map((p) => ({ ts: p.ts, value: Array.isArray(p.value) ? [...p.value] : p.value, arrival: p.arrival }));
    stream.nextArrival = state.nextArrival;
    stream.embedHistory = [...state.embedHistory];
    stream.lastUsed = state.lastUsed;
    if (state.dimension > 0) {
      stream.dimension = state.dimension;
      stream.scales = config.scales.map((scale) => {
        const saved = state.scales[scale.name];
        return saved !== undefined
          ? ScaleWindow.fromState(key, scale, state.dimension, config, saved)
          : new ScaleWindow(key, scale, state.dimension, config);
      });
    }
    return stream;
  }
}

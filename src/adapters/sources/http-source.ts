import { performance } from "node:perf_hooks";
import type { EventIntake, OfferResult, Source, SourcePosition, SourceRecord } from "../types.ts";

export interface HttpSourceOptions {
  /** Events held between the HTTP server and the runner; a POST that would exceed it gets 429. */
  capacity?: number;
  /** Records per batch handed to the runner (default 512). */
  batchSize?: number;
  /** Retry-After seconds suggested when full (default 1) and when paused (default 5). */
  retryAfterFullSeconds?: number;
  retryAfterPausedSeconds?: number;
}

/**
 * Events pushed by `POST /events` (the service's HTTP server parses requests and offers
 * them here). The queue is bounded: a request is taken whole or refused whole, so a client
 * that gets 429 or 503 resends the same body. HTTP input cannot be replayed: its position
 * is null, and the response (202) means "accepted into the pipeline", not "processed".
 */
export class HttpSource implements Source, EventIntake {
  readonly kind = "http";
  readonly replayable = false;
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly retryFull: number;
  private readonly retryPaused: number;
  private queue: SourceRecord[] = [];
  private head = 0;
  private isPaused = false;
  private closed = false;
  private listening = false;
  private wake: (() => void) | undefined;
  private requests = 0;

  constructor(options: HttpSourceOptions = {}) {
    this.capacity = options.capacity ?? 10_000;
    this.batchSize = options.batchSize ?? 512;
    this.retryFull = options.retryAfterFullSeconds ?? 1;
    this.retryPaused = options.retryAfterPausedSeconds ?? 5;
  }

  get connected(): boolean {
    return this.listening && !this.closed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Events waiting for the runner. */
  get depth(): number {
    return this.queue.length - this.head;
  }

  get full(): boolean {
    return this.depth >= this.capacity;
  }

  /** The server calls this once it listens (readiness). */
  setListening(listening: boolean): void {
    this.listening = listening;
  }

  /** Takes the events of one request (already split into raw items), or refuses them all. */
  offer(items: readonly unknown[], format: "json" | "csv" | "auto"): OfferResult {
    if (this.closed) return { ok: false, status: 503, retryAfterSeconds: this.retryPaused, reason: "shutting down" };
    if (this.isPaused) return { ok: false, status: 503, retryAfterSeconds: this.retryPaused, reason: "processing is paused" };
    if (items.length > this.capacity) {
      return { ok: false, status: 413, retryAfterSeconds: 0, reason: `a request may hold at most ${this.capacity} events` };
    }
    if (this.depth + items.length > this.capacity) {
      return { ok: false, status: 429, retryAfterSeconds: this.retryFull, reason: "queue full: processing is behind" };
    }
    const requestId = `req-${++this.requests}`;
    const arrivedAt = performance.now();
    for (let i = 0; i < items.length; i++) {
      this.queue.push({ raw: items[i], format, source: { kind: "http", requestId, index: i }, position: null, arrivedAt });
    }
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    return { ok: true, accepted: items.length };
  }

  async *batches(_from: SourcePosition | undefined): AsyncIterable<SourceRecord[]> {
    while (true) {
      if (this.depth === 0) {
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      const end = Math.min(this.queue.length, this.head + this.batchSize);
      const batch = this.queue.slice(this.head, end);
      this.head = end;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      yield batch;
    }
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
  }

  async commit(_position: SourcePosition): Promise<void> {}

  /** Refuses new requests; what is queued is still delivered, then the iteration ends. */
  async close(): Promise<void> {
    this.closed = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

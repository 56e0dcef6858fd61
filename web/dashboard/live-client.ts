import type { LiveBatch } from "./types.ts";

export type ConnectionMode = "connecting" | "live" | "reconnecting" | "polling";

export interface LiveClientHandlers {
  batch(batch: LiveBatch): void;
  mode(mode: ConnectionMode): void;
}

/** Failed stream attempts in a row after which the page polls instead. */
const FAILURES_BEFORE_POLLING = 3;
const POLL_MS = 2000;
/** While polling, a stream is tried again this often. */
const STREAM_RETRY_MS = 30_000;

/**
 * The page's live connection: server-sent events from /api/live, resumed where they broke
 * (the browser sends Last-Event-ID on its own reconnects; a new stream for another key
 * starts from the last position seen). When streams keep failing (a proxy that buffers
 * them, a server at its stream limit) it polls /api/live/poll with the same positions, and
 * now and then tries a stream again.
 */
export class LiveClient {
  private readonly handlers: LiveClientHandlers;
  private key: string | undefined;
  private seen = 0;
  private source: EventSource | undefined;
  private failures = 0;
  private pollTimer: number | undefined;
  private retryTimer: number | undefined;

  constructor(handlers: LiveClientHandlers) {
    this.handlers = handlers;
  }

  /** The feed position of the last batch applied. */
  get position(): number {
    return this.seen;
  }

  /** (Re)connects for `key`, from the last position seen. */
  watch(key: string | undefined): void {
    this.key = key;
    if (this.pollTimer !== undefined) {
      void this.poll();
      return;
    }
    this.openStream();
  }

  private query(): string {
    const params = new URLSearchParams({ since: String(this.seen) });
    if (this.key !== undefined) params.set("key", this.key);
    return params.toString();
  }

  private apply(batch: LiveBatch): void {
    this.seen = batch.seq;
    this.handlers.batch(batch);
  }

  private openStream(): void {
    this.source?.close();
    this.handlers.mode(this.failures === 0 ? "connecting" : "reconnecting");
    const source = new EventSource(`/api/live?${this.query()}`);
    this.source = source;
    source.addEventListener("open", () => {
      this.failures = 0;
      this.handlers.mode("live");
    });
    source.addEventListener("update", (event) => {
      this.failures = 0;
      this.apply(JSON.parse((event as MessageEvent<string>).data) as LiveBatch);
    });
    source.addEventListener("error", () => {
      if (source !== this.source) return;
      this.failures++;
      if (this.failures >= FAILURES_BEFORE_POLLING || source.readyState === EventSource.CLOSED) this.startPolling();
      else this.handlers.mode("reconnecting");
    });
  }

  private startPolling(): void {
    this.source?.close();
    this.source = undefined;
    this.handlers.mode("polling");
    if (this.pollTimer === undefined) this.pollTimer = window.setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
    this.retryTimer ??= window.setTimeout(() => {
      this.retryTimer = undefined;
      window.clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      this.failures = 0;
      this.openStream();
    }, STREAM_RETRY_MS);
  }

  private async poll(): Promise<void> {
    try {
      const res = await fetch(`/api/live/poll?${this.query()}`);
      if (res.ok) this.apply((await res.json()) as LiveBatch);
    } catch {
      // The next poll tries again; the mode already says the page is not live.
    }
  }
}

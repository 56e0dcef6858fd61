import type { IncomingMessage, ServerResponse } from "node:http";
import { LiveFeed } from "./live-feed.ts";
import type { LiveBatch, PipelineHealth, ServiceInfo } from "./live-types.ts";
import type { HealthProbe } from "./pipeline-health.ts";
import { readQuery } from "./query.ts";
import { sendError, sendJson } from "./respond.ts";
import type { RouteGroup } from "./routes.ts";

/** How often clients are sent what is new: the page draws at most this often anyway. */
const FLUSH_MS = 250;
/** Health goes out once a second, which also keeps idle connections open through proxies. */
const HEALTH_MS = 1000;
/** What a browser waits before reconnecting after the stream broke. */
const RETRY_MS = 2000;
/** Event streams open at once; more are refused (each holds a socket and a flush). */
export const MAX_STREAMS = 64;

const LIVE_QUERY = {
  since: { type: "integer", min: 0, default: 0, help: "the feed position the client has (0: none)" },
  key: { type: "string", help: "the key whose results and feature events to send" },
} as const;

interface Client {
  res: ServerResponse;
  key: string | undefined;
  sent: number;
  blocked: boolean;
}

/**
 * The live updates, pushed: `GET /api/live?key=K` is a server-sent event stream of
 * `update` events, each a LiveBatch (plus `health` about once a second) whose event id is
 * its feed position. A browser that reconnects sends the last id as Last-Event-ID and
 * resumes there (or from `?since=N`); what was published meanwhile comes in the first
 * batch, or, when it has left the feed's memory, `gap` says so. `GET /api/live/poll?since=N&key=K`
 * answers the same batch as JSON, for clients that cannot hold a stream open. A client that
 * reads slowly is sent nothing until its socket drains, then everything it missed at once:
 * the data stays correct, only less frequent.
 */
export class LiveApi implements RouteGroup {
  private readonly feed: LiveFeed;
  private readonly health: HealthProbe;
  private readonly info: ServiceInfo | undefined;
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | undefined;
  private lastHealthAt = 0;

  /** Without a feed (no live outputs), the streams carry health only. */
  constructor(feed: LiveFeed | undefined, health: HealthProbe, info?: ServiceInfo) {
    this.feed = feed ?? new LiveFeed();
    this.health = health;
    this.info = info;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!["/api/live", "/api/live/poll", "/api/health", "/api/info"].includes(url.pathname)) return false;
    const read = readQuery(url.searchParams, url.pathname.startsWith("/api/live") ? LIVE_QUERY : {});
    if ("error" in read) {
      sendError(res, 400, read.error);
      return true;
    }
    if (url.pathname === "/api/health") {
      sendJson(res, 200, await this.health.read());
      return true;
    }
    if (url.pathname === "/api/info") {
      if (this.info) sendJson(res, 200, this.info);
      else sendError(res, 404, "this server was started without pipeline information");
      return true;
    }
    const lastEventId = req.headers["last-event-id"];
    // A browser's reconnect carries the last event id it saw, which wins over the URL's.
    const since = typeof lastEventId === "string" && /^\d+$/.test(lastEventId) ? Number(lastEventId) : (read.values.since as number);
    const key = read.values.key as string | undefined;
    if (url.pathname === "/api/live/poll") {
      sendJson(res, 200, { ...this.feed.batchSince(since, key), health: await this.health.read() });
      return true;
    }
    if (this.clients.size >= MAX_STREAMS) {
      sendError(res, 503, `${MAX_STREAMS} live streams are open already; poll /api/live/poll instead`, { "retry-after": "10" });
      return true;
    }
    this.open(req, res, key, since);
    return true;
  }

  private open(req: IncomingMessage, res: ServerResponse, key: string | undefined, since: number): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      // Proxies that buffer responses (nginx) would hold the events back.
      "x-accel-buffering": "no",
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    const client: Client = { res, key, sent: since, blocked: false };
    this.clients.add(client);
    res.on("drain", () => {
      client.blocked = false;
    });
    req.socket.setNoDelay(true);
    const close = () => {
      this.clients.delete(client);
      if (this.clients.size === 0) this.stop();
    };
    res.on("close", close);
    // The first batch at once: the client's state is complete from the start.
    void this.health.read().then((health) => this.send(client, this.feed.batchSince(client.sent, key), health));
    this.timer ??= setInterval(() => void this.flush(), FLUSH_MS);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async flush(): Promise<void> {
    const now = Date.now();
    const health = now - this.lastHealthAt >= HEALTH_MS ? await this.health.read() : undefined;
    if (health) this.lastHealthAt = now;
    for (const client of this.clients) {
      if (client.blocked || client.res.destroyed) continue;
      const batch = this.feed.batchSince(client.sent, client.key);
      if (batch.seq === client.sent && !batch.gap && health === undefined) continue;
      this.send(client, batch, health);
    }
  }

  private send(client: Client, batch: LiveBatch, health: PipelineHealth | undefined): void {
    if (client.res.destroyed) return;
    const data = JSON.stringify(health ? { ...batch, health } : batch);
    client.sent = batch.seq;
    client.blocked = !client.res.write(`id: ${batch.seq}\nevent: update\ndata: ${data}\n\n`);
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const client of this.clients) client.res.end();
    this.clients.clear();
    this.stop();
  }
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { EventIntake, ResultArchive, Source, StateStore } from "../../adapters/types.ts";
import type { HttpConfig } from "../config/schema.ts";
import { loadAuthToken } from "./auth.ts";
import { readBody } from "./body.ts";
import { limitConnections, RequestGuard, serverOptions } from "./guard.ts";
import { dashboardRoutes, type DashboardSources } from "./dashboard-routes.ts";
import type { HealthSource } from "./pipeline-health.ts";
import type { RouteGroup } from "./routes.ts";
import { sendError, sendJson as send } from "./respond.ts";
import type { Logger } from "../runtime/logger.ts";
import type { PipelineMetrics } from "../runtime/metrics.ts";
import type { PipelineRunner } from "../runtime/runner.ts";

/** What the server reads and sets of a runner: the plain one, or the partitioned one on Kafka. */
export type RunnerControl = Pick<PipelineRunner, "overloaded" | "setEnabled"> & HealthSource;

export interface HttpServerOptions {
  /** Address, port, token and limits. */
  http: HttpConfig;
  runner: RunnerControl;
  source: Pick<Source, "kind" | "connected">;
  /** Present when the pipeline's source is HTTP: POST /events feeds it. */
  httpSource?: EventIntake;
  store?: StateStore;
  /** Window results older than the store keeps (S3): the history route reads them from here. */
  archive?: ResultArchive;
  metrics: PipelineMetrics;
  logger: Logger;
  /** The live outputs for the page. */
  live?: DashboardSources["live"];
}

/**
 * Probes, metrics, the feature flag, event intake and the query API on one port. Plain
 * node:http: a handful of routes needs no framework.
 */
export class ServiceHttpServer {
  private readonly options: HttpServerOptions;
  private readonly server: Server;
  private readonly guard: RequestGuard;
  /** Route groups kept in modules of their own, offered each request in turn. */
  private readonly routeGroups: RouteGroup[];

  constructor(options: HttpServerOptions) {
    this.options = options;
    this.routeGroups = dashboardRoutes(options);
    this.guard = new RequestGuard({ token: loadAuthToken(options.http), host: options.http.host, logger: options.logger });
    this.server = createServer(serverOptions(options.http), (req, res) => {
      if (!this.guard.admit(req, res)) return;
      this.route(req, res).catch((err) => {
        options.logger.error("http handler failed", { err, url: req.url });
        if (!res.headersSent) send(res, 500, { error: "internal error" });
        else res.destroy();
      });
    });
    limitConnections(this.server, options.http);
  }

  async listen(): Promise<number> {
    const { port, host } = this.options.http;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.options.httpSource?.setListening(true);
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.options.httpSource?.setListening(false);
    for (const group of this.routeGroups) group.close?.();
    this.server.closeIdleConnections();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.closeAllConnections();
      }, 1000);
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    // HEAD is answered as GET; node leaves the body out.
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    if (method === "GET" && path === "/health") return send(res, 200, { status: "ok" });
    if (method === "GET" && path === "/ready") return this.ready(res);
    if (method === "GET" && path === "/metrics") {
      const { registry } = this.options.metrics;
      const text = await registry.metrics();
      res.writeHead(200, { "content-type": registry.contentType });
      res.end(text);
      return;
    }
    if (path === "/flags/streaming_tda_enabled") {
      if (method === "GET") return send(res, 200, { enabled: !this.options.runner.paused });
      if (method === "POST") return this.setFlag(req, res);
    }
    if (method === "POST" && path === "/events") return this.events(req, res);
    for (const group of this.routeGroups) if (await group.handle(req, res, url)) return;
    send(res, 404, { error: `no route for ${method} ${path}` });
  }

  private async ready(res: ServerResponse): Promise<void> {
    const { runner, source, store, archive, httpSource } = this.options;
    const [storeReachable, archiveReachable] = await Promise.all([store ? store.ping() : true, archive ? archive.ping() : true]);
    const checks = {
      sourceConnected: source.connected,
      storeReachable,
      archiveReachable,
      notOverloaded: !runner.overloaded && !(httpSource?.full ?? false),
      notPaused: !runner.paused,
      running: runner.state === "running" || runner.state === "paused",
    };
    const ready = Object.values(checks).every(Boolean);
    send(res, ready ? 200 : 503, { ready, checks, state: runner.state });
  }

  private async setFlag(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, res, 4096);
    if (body === undefined) return;
    let enabled: unknown;
    try {
      enabled = (JSON.parse(body) as { enabled?: unknown }).enabled;
    } catch {
      enabled = undefined;
    }
    if (typeof enabled !== "boolean") return send(res, 400, { error: 'expected {"enabled": true} or {"enabled": false}' });
    this.options.runner.setEnabled(enabled);
    send(res, 200, { enabled });
  }

  private async events(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { httpSource, metrics } = this.options;
    if (!httpSource) {
      req.resume();
      return send(res, 404, { error: `this pipeline reads from its ${this.options.source.kind} source; start it with --source http to POST events` });
    }
    // Refuse before reading a body that could not be queued anyway.
    if (httpSource.paused || httpSource.full) {
      req.resume();
      const status = httpSource.paused ? 503 : 429;
      metrics.httpRejected.inc({ status: String(status) });
      return sendRetry(res, status, httpSource.paused ? 5 : 1, httpSource.paused ? "processing is paused" : "queue full: processing is behind");
    }
    const body = await readBody(req, res, this.options.http.maxBodyBytes);
    if (body === undefined) return;
    const type = req.headers["content-type"] ?? "";
    const format = type.includes("csv") ? "csv" : "auto";
    let items: unknown[];
    const trimmed = body.trimStart();
    if (trimmed.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (!Array.isArray(parsed)) throw new Error("not an array");
        items = parsed;
      } catch (err) {
        metrics.eventsFailed.inc({ reason: "http_bad_body" });
        return send(res, 400, { error: `body starts with "[" but is not a JSON array: ${(err as Error).message}` });
      }
    } else {
      items = body.split("\n").filter((line) => line.trim().length > 0);
    }
    const result = httpSource.offer(items, format);
    if (result.ok) return send(res, 202, { accepted: result.accepted });
    metrics.httpRejected.inc({ status: String(result.status) });
    if (result.status === 413) return send(res, 413, { error: result.reason });
    sendRetry(res, result.status, result.retryAfterSeconds, result.reason);
  }
}

function sendRetry(res: ServerResponse, status: number, seconds: number, reason: string): void {
  sendError(res, status, reason, { "retry-after": String(seconds) }, { retryAfterSeconds: seconds });
}

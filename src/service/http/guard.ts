/**
 * What every request passes before its route: the methods each path allows (405 with
 * Allow; HEAD wherever GET is), and for anything that changes state a same-origin check,
 * the bearer token when one is configured, and a JSON (or the route's own) Content-Type.
 * Probes, metrics, the page and the read-only API stay open. Also the server-wide limits:
 * header and request timeouts and a cap on concurrent connections.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import { isLoopback } from "../config/host.ts";
import type { Logger } from "../runtime/logger.ts";
import { hasToken } from "./auth.ts";
import { sendErrorAndClose } from "./respond.ts";

export interface RouteRule {
  path: string | RegExp;
  /** Methods served; GET brings HEAD with it. */
  methods: readonly string[];
  /** Body types a mutating request may have (default application/json only). */
  bodyTypes?: readonly string[];
}

/** Every route the service serves. A new route is declared here as well as in the server. */
export const ROUTES: readonly RouteRule[] = [
  { path: "/health", methods: ["GET"] },
  { path: "/ready", methods: ["GET"] },
  { path: "/metrics", methods: ["GET"] },
  { path: "/flags/streaming_tda_enabled", methods: ["GET", "POST"] },
  { path: "/events", methods: ["POST"], bodyTypes: ["application/json", "application/x-ndjson", "text/csv"] },
  { path: "/", methods: ["GET"] },
  { path: "/index.html", methods: ["GET"] },
  { path: /^\/api\//, methods: ["GET"] },
  { path: "/playground", methods: ["GET"] },
  { path: /^\/assets\//, methods: ["GET"] },
];

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

/** Options for node's createServer: slow clients lose their socket after these timeouts. */
export function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the two timeouts at this interval (30 s by default, longer than they may be).
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** Caps concurrent connections: beyond the cap node closes a new socket at once. */
export function limitConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

export class RequestGuard {
  private readonly token: string | undefined;

  constructor(options: { token: string | undefined; host: string; logger: Logger }) {
    this.token = options.token;
    if (this.token === undefined && !isLoopback(options.host)) {
      options.logger.warn("listening beyond loopback without an auth token: anyone who reaches the port can pause processing and post events; set STREAMING_TDA_AUTH_TOKEN or http.authTokenFile", {
        host: options.host,
      });
    }
  }

  /** Whether the request may go on to its route; if not, it has been answered. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    res.setHeader("x-content-type-options", "nosniff");
    const method = req.method ?? "GET";
    const path = pathOf(req);
    const rule = ROUTES.find((r) => (typeof r.path === "string" ? r.path === path : r.path.test(path)));
    if (rule) {
      const allowed = rule.methods.includes("GET") ? [...rule.methods, "HEAD"] : [...rule.methods];
      if (!allowed.includes(method)) {
        res.setHeader("allow", allowed.join(", "));
        sendErrorAndClose(res, 405, `${method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`);
        return false;
      }
    }
    if (SAFE_METHODS.has(method)) return true;
    const refusal = this.refusal(req, rule);
    if (refusal === undefined) return true;
    if (refusal.status === 401) res.setHeader("www-authenticate", 'Bearer realm="streaming-tda"');
    sendErrorAndClose(res, refusal.status, refusal.message);
    return false;
  }

  /** Why a request that changes state is refused, or undefined. */
  private refusal(req: IncomingMessage, rule: RouteRule | undefined): { status: number; message: string } | undefined {
    const foreign = foreignOrigin(req);
    if (foreign !== undefined) return { status: 403, message: `cross-origin request refused: ${foreign}` };
    if (this.token !== undefined && !hasToken(req, this.token)) {
      return { status: 401, message: req.headers.authorization === undefined ? "this route needs Authorization: Bearer <token>" : "wrong bearer token" };
    }
    const types = rule?.bodyTypes ?? ["application/json"];
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (!types.includes(type)) return { status: 415, message: `Content-Type must be ${types.join(" or ")}, not ${type === "" ? "absent" : type}` };
    return undefined;
  }
}

/** Why the request comes from another site, or undefined when it does not (or says nothing, as curl does). */
function foreignOrigin(req: IncomingMessage): string | undefined {
  const site = req.headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") return `Sec-Fetch-Site is ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  return host !== undefined && host === req.headers.host ? undefined : `Origin ${origin} is not this service (${req.headers.host ?? "no Host"})`;
}

export function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", "http://localhost").pathname;
  } catch {
    return "/";
  }
}

import type { IncomingMessage, ServerResponse } from "node:http";
import type { HistoryCursor, HistoryPage, OutputRecord, ResultArchive, StateStore } from "../../adapters/types.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { readQuery } from "./query.ts";
import { sendError, sendJson } from "./respond.ts";
import type { RouteGroup } from "./routes.ts";

/** Largest page of keys and of history: a page stays well under a megabyte. */
export const MAX_KEYS_PAGE = 2000;
export const MAX_HISTORY_PAGE = 2000;

const CURSOR = { type: "string", help: "nextCursor of the page before, as it came" } as const;

const KEYS_QUERY = {
  limit: { type: "integer", min: 1, max: MAX_KEYS_PAGE, default: 500, help: "keys in the page" },
  cursor: CURSOR,
} as const;

const HISTORY_QUERY = {
  from: { type: "number", help: "earliest window end, event time in ms" },
  to: { type: "number", help: "latest window end, event time in ms" },
  limit: { type: "integer", min: 1, max: MAX_HISTORY_PAGE, default: 500, help: "results in the page" },
  order: { type: "enum", values: ["asc", "desc"], default: "asc", help: "oldest first (asc) or newest first (desc)" },
  cursor: CURSOR,
} as const;

const BAD_CURSOR = "cursor: not a cursor this server gave out (pass nextCursor back as it came)";

/**
 * The query API over the store's history, every answer bounded and paginated:
 * - `GET /api/keys?limit&cursor`: key summaries in key order, `nextCursor` for the next page;
 * - `GET /api/keys/:key/latest`: the key's newest window result;
 * - `GET /api/keys/:key/history?from&to&limit&order&cursor`: its results with end time in
 *   [from, to], oldest first (`order=desc`: newest first), `nextCursor` for the next page.
 * Parameters are read with the config schema's rules (query.ts): a bad one is named. With an
 * archive, history goes on past the earliest result the store keeps with the archive's.
 */
export class QueryApi implements RouteGroup {
  private readonly store: StateStore | undefined;
  private readonly archive: ResultArchive | undefined;

  constructor(store: StateStore | undefined, archive?: ResultArchive) {
    this.store = store;
    this.archive = archive;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const m = /^\/api\/keys(?:\/([^/]+)\/(latest|history))?$/.exec(url.pathname);
    if (!m) return false;
    if (!this.store) {
      sendError(res, 404, "no store configured: start with --store PATH to keep result history");
      return true;
    }
    if (m[1] === undefined) return this.keys(this.store, url.searchParams, res);
    let key: string;
    try {
      key = decodeURIComponent(m[1]);
    } catch {
      sendError(res, 400, "key: not valid percent-encoding");
      return true;
    }
    if (m[2] === "latest") await this.latest(this.store, key, res);
    else await this.history(this.store, key, url.searchParams, res);
    return true;
  }

  private async keys(store: StateStore, query: URLSearchParams, res: ServerResponse): Promise<true> {
    const read = readQuery(query, KEYS_QUERY);
    if ("error" in read) return badRequest(res, read.error);
    const { limit, cursor } = read.values as { limit: number; cursor?: string };
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && typeof after !== "string") return badRequest(res, BAD_CURSOR);
    // One more than asked tells whether another page follows.
    const rows = await store.keys({ after: after as string | undefined, limit: limit + 1 });
    const keys = rows.slice(0, limit);
    sendJson(res, 200, { keys, nextCursor: rows.length > limit ? encodeCursor(keys[keys.length - 1].key) : null });
    return true;
  }

  private async latest(store: StateStore, key: string, res: ServerResponse): Promise<void> {
    const latest = await store.latest(key);
    if (latest) sendJson(res, 200, latest);
    else sendError(res, 404, `no results for key ${JSON.stringify(key)}`);
  }

  private async history(store: StateStore, key: string, query: URLSearchParams, res: ServerResponse): Promise<void> {
    const read = readQuery(query, HISTORY_QUERY);
    if ("error" in read) {
      badRequest(res, read.error);
      return;
    }
    const { from = -Infinity, to = Infinity, limit, order, cursor } = read.values as { from?: number; to?: number; limit: number; order: "asc" | "desc"; cursor?: string };
    const after = cursor === undefined ? undefined : historyCursor(decodeCursor(cursor));
    if (cursor !== undefined && after === undefined) {
      badRequest(res, BAD_CURSOR);
      return;
    }
    const rows = await this.historyFrom(store, key, from, to, limit + 1, { order, after });
    const results = rows.slice(0, limit);
    const last = results[results.length - 1] as { end?: unknown; id?: unknown } | undefined;
    const nextCursor = rows.length > limit && last && typeof last.end === "number" && typeof last.id === "string" ? encodeCursor([last.end, last.id]) : null;
    sendJson(res, 200, {
      key,
      from: Number.isFinite(from) ? from : null,
      to: Number.isFinite(to) ? to : null,
      order,
      results,
      nextCursor,
    });
  }

  /**
   * The store's page of history, completed from the archive with the results that belong in it
   * but lie before the earliest the store keeps (the store keeps recent results only).
   */
  private async historyFrom(store: StateStore, key: string, from: number, to: number, limit: number, page: HistoryPage): Promise<OutputRecord[]> {
    const stored = await store.history(key, from, to, limit, page);
    const { archive } = this;
    const asc = page.order !== "desc";
    // Newest first, a full page from the store comes before anything the archive could add.
    if (!archive || (!asc && stored.length >= limit)) return stored;
    // The archive's part lies strictly between the cursor and the store's oldest result of the page.
    const storeOldest = (asc ? stored[0] : stored[stored.length - 1]) as WindowOrder | undefined;
    const lower = asc ? page.after : undefined;
    const upper = asc ? storeOldest : (storeOldest ?? page.after);
    const lo = Math.max(from, lower?.end ?? -Infinity);
    const hi = Math.min(to, upper?.end ?? Infinity);
    if (lo > hi || (asc && storeOldest !== undefined && storeOldest.end <= lo)) return stored;
    // The archive answers oldest first up to a limit; the whole range is read to order and cut it here.
    const older = (await archive.history(key, lo, hi, Number.MAX_SAFE_INTEGER))
      .filter((r) => (lower === undefined || compareWindows(r as WindowOrder, lower) > 0) && (upper === undefined || compareWindows(r as WindowOrder, upper) < 0))
      .sort((a, b) => compareWindows(a as WindowOrder, b as WindowOrder) * (asc ? 1 : -1));
    return (asc ? [...older, ...stored] : [...stored, ...older]).slice(0, limit);
  }
}

/** What orders window results in history: end time, then id. */
type WindowOrder = { end: number; id: string };

function compareWindows(a: WindowOrder, b: WindowOrder): number {
  return a.end - b.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function badRequest(res: ServerResponse, message: string): true {
  sendError(res, 400, message);
  return true;
}

/** A history cursor travels as [end, id]. */
function historyCursor(v: unknown): HistoryCursor | undefined {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== "number" || typeof v[1] !== "string") return undefined;
  return { end: v[0], id: v[1] };
}

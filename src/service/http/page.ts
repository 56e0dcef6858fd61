import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { sendJson } from "./respond.ts";
import type { RouteGroup } from "./routes.ts";
import { PAGE_SECURITY_HEADERS } from "./security-headers.ts";

/** Where `npm run build` (scripts/build-web.ts) puts the pages: dist/web from src/ and dist/ alike. */
export const WEB_DIR = fileURLToPath(new URL("../../../dist/web/", import.meta.url));

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  map: "application/json; charset=utf-8",
};

/** A built asset's name: a content hash before the extension, nothing that walks out of the folder. */
const ASSET_NAME = /^[\w-]+-[A-Z0-9]{8}\.(js|css)(\.map)?$/;

/** URL path → the page built from web/<name>/index.html. */
const PAGES: Record<string, string> = {
  "/": "dashboard",
  "/index.html": "dashboard",
  "/playground": "playground",
};

/**
 * The pages (the live dashboard at `/`, the playground at `/playground`; their code is in
 * web/, built into dist/web) and their assets. Assets have a content hash in their names, so they are
 * cached for a year as immutable; the pages themselves are revalidated on every load, so a
 * new build is picked up at once.
 */
export class WebAssets implements RouteGroup {
  private readonly dir: string;

  constructor(dir = WEB_DIR) {
    this.dir = dir;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const method = req.method ?? "GET";
    const page = PAGES[url.pathname];
    const asset = url.pathname.startsWith("/assets/") ? url.pathname.slice("/assets/".length) : undefined;
    if (page === undefined && asset === undefined) return false;
    if (method !== "GET" && method !== "HEAD") {
      sendJson(res, 405, { error: `${url.pathname} answers GET and HEAD only` }, { allow: "GET, HEAD" });
      return true;
    }
    if (page !== undefined) await this.page(res, page, method === "HEAD");
    else await this.asset(res, asset!, method === "HEAD");
    return true;
  }

  private async page(res: ServerResponse, name: string, headOnly: boolean): Promise<void> {
    const html = await this.read(`${name}.html`);
    if (html === undefined) {
      sendJson(res, 503, { error: `the ${name} page is not built: run "npm run build" (it writes dist/web)` });
      return;
    }
    res.writeHead(200, {
      ...PAGE_SECURITY_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "content-length": html.length,
      "cache-control": "no-cache",
    });
    res.end(headOnly ? undefined : html);
  }

  private async asset(res: ServerResponse, name: string, headOnly: boolean): Promise<void> {
    const match = ASSET_NAME.exec(name);
    const body = match ? await this.read(name) : undefined;
    if (!match || body === undefined) {
      sendJson(res, 404, { error: `no asset ${JSON.stringify(name)}` });
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[match[2] ? "map" : match[1]],
      "content-length": body.length,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "cross-origin-resource-policy": "same-origin",
    });
    res.end(headOnly ? undefined : body);
  }

  private async read(name: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.dir + name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
  }
}

import type { ServerResponse } from "node:http";

export const JSON_TYPE = "application/json; charset=utf-8";

/**
 * A JSON answer. `nosniff` keeps a browser from reading it as HTML whatever it holds (key
 * names come from clients), and it is never cached: it describes the pipeline now.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": JSON_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

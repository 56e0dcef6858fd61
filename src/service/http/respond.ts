import type { ServerResponse } from "node:http";

export const JSON_TYPE = "application/json; charset=utf-8";

/**
 * A JSON answer. `nosniff` keeps a browser from reading it as HTML whatever it holds (key
 * names come from clients), and `<`, `>` and `&` are written as \u escapes so that even a
 * sniffing reader finds no markup. It is never cached: it describes the pipeline now.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  res.writeHead(status, {
    "content-type": JSON_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** An error answer, `{"error": message}`, with any extra fields. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { error: message, ...extra }, headers);
}

/**
 * An error after which the connection is closed: the request's body is left unread (it may
 * be large or never come), so the socket cannot carry another request.
 */
export function sendErrorAndClose(res: ServerResponse, status: number, message: string): void {
  res.shouldKeepAlive = false;
  sendError(res, status, message, { connection: "close" });
  res.once("finish", () => res.req.socket.destroySoon());
}

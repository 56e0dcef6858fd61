/**
 * The bearer token that mutating routes require: from STREAMING_TDA_AUTH_TOKEN (the secret
 * setting http.authToken) or the file http.authTokenFile names. Compared in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { ConfigError } from "../config/config.ts";

export function loadAuthToken(http: { authToken?: string; authTokenFile?: string }): string | undefined {
  if (http.authToken !== undefined && http.authTokenFile !== undefined) {
    throw new ConfigError([{ path: "http.authTokenFile", rule: "must not be set together with STREAMING_TDA_AUTH_TOKEN: choose one" }]);
  }
  if (http.authTokenFile === undefined) return http.authToken;
  let text: string;
  try {
    text = readFileSync(http.authTokenFile, "utf8");
  } catch (err) {
    throw new ConfigError([{ path: "http.authTokenFile", rule: `cannot read ${http.authTokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  const token = text.trim();
  if (token.length === 0) throw new ConfigError([{ path: "http.authTokenFile", rule: `${http.authTokenFile} is empty: it must hold the token` }]);
  return token;
}

/** Whether the request carries `Authorization: Bearer <token>`; the time taken does not depend on where they differ. */
export function hasToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? "";
  const m = /^Bearer +(.+)$/i.exec(header.trim());
  // Digests have one length whatever the inputs, as timingSafeEqual needs.
  const given = createHash("sha256").update(m ? m[1] : "").digest();
  const wanted = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, wanted) && m !== null;
}

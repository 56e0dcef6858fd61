/**
 * History over HTTP goes on past what the store keeps with the S3 archive's results (a real
 * S3-compatible server): pages in both orders join up exactly, with no result twice.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { S3ResultArchive } from "../src/adapters/s3/s3-archive.ts";
import { MemoryStateStore } from "../src/adapters/store/memory-store.ts";
import { QueryApi } from "../src/service/http/query-api.ts";
import type { WindowResult } from "../src/stream/types.ts";
import { localS3Credentials, useServers } from "./helpers/servers.ts";
import { windowResult } from "./helpers/state-store-contract.ts";

const { s3 } = await useServers("s3");
const T0 = Date.UTC(2026, 11, 3, 22, 0, 0);
// Twelve results, the last two at the same end time; the store keeps the newest five.
const ALL = Array.from({ length: 12 }, (_, i) => windowResult("k", 127 + 8 * i, T0 + 1000 * Math.min(i, 10)));
const archive = new S3ResultArchive({ url: `s3://history-${process.pid}/results/v1`, endpoint: s3!.address, credentials: localS3Credentials, createBucket: true, flushIntervalMs: 60_000 });
const store = new MemoryStateStore({ maxResults: 5 });
const api = new QueryApi(store, archive);
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  void api.handle(req, res, url).then((handled) => handled || res.writeHead(404).end());
});
let base = "";

before(async () => {
  await archive.start();
  await archive.append(ALL);
  await archive.flush();
  await store.appendResults(ALL);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  await Promise.all([archive.close(), store.close()]);
});

const ids = (rs: readonly unknown[]) => rs.map((r) => (r as WindowResult).id);

/** Every page of a history query, followed by its cursors. */
async function allPages(query: string): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${base}/api/keys/k/history?${query}${cursor === null ? "" : `&cursor=${cursor}`}`);
    const body = (await res.json()) as { results: unknown[]; nextCursor: string | null };
    assert.equal(res.status, 200, JSON.stringify(body));
    pages.push(ids(body.results));
    cursor = body.nextCursor;
    assert.ok(pages.length <= ALL.length, "the cursors do not come to an end");
  } while (cursor !== null);
  return pages;
}

test("the store alone keeps the newest five", async () => {
  assert.deepEqual(ids(await store.history("k", -Infinity, Infinity, 100)), ids(ALL.slice(7)));
});

test("oldest first, pages of three run from the archive's results into the store's", { timeout: 60_000 }, async () => {
  const pages = await allPages("limit=3");
  assert.deepEqual(pages.flat(), ids(ALL));
  assert.ok(pages.slice(0, -1).every((p) => p.length === 3), JSON.stringify(pages));
});

test("newest first, pages of four run from the store's results into the archive's", { timeout: 60_000 }, async () => {
  const pages = await allPages("limit=4&order=desc");
  assert.deepEqual(pages.flat(), ids(ALL).reverse());
});

test("a time range wholly before what the store keeps is answered from the archive", { timeout: 60_000 }, async () => {
  assert.deepEqual((await allPages(`from=${T0 + 1000}&to=${T0 + 3000}&limit=2`)).flat(), ids(ALL.slice(1, 4)));
});

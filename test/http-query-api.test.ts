/**
 * The query API's pages, over real HTTP against `streaming-tda run --source http`: keys and
 * history come in bounded pages that join up exactly, and a bad parameter is named.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "./helpers/service-process.ts";

const KEYS = 2300;
let service: ServiceProcess;

/** `n` events of key `key`, on a small circle, one a millisecond from `t0`. */
function events(key: string, n: number, t0: number): object[] {
  return Array.from({ length: n }, (_, i) => ({ key, ts: t0 + i, value: [Math.cos(i), Math.sin(i)] }));
}

async function post(batch: object[]): Promise<void> {
  const res = await fetch(service.url + "events", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) });
  assert.equal(res.status, 202, await res.text());
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads the fields it checks
async function getJson(path: string): Promise<{ status: number; body: any; bytes: number }> {
  const res = await fetch(service.url + path);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), bytes: text.length };
}

/** Waits until `check` holds, polling; fails naming what it waited for. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; service log:\n${service.log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  // Windows of 4 points: four events give a key its first result.
  service = await startService("run", {
    source: { type: "http" },
    sink: { type: "none" },
    stream: { scales: [{ size: 4, slide: 1 }], maxDim: 1 },
  });
  const all: object[] = [];
  for (let k = 0; k < KEYS; k++) all.push(...events(`k-${String(k).padStart(5, "0")}`, 4, 1000));
  all.push(...events("long", 300, 1000));
  for (let i = 0; i < all.length; i += 5000) await post(all.slice(i, i + 5000));
  await until(`${KEYS + 1} keys with results`, async () => {
    const long = await getJson("api/keys/long/latest");
    if (long.status !== 200 || long.body.lastSeq !== 299) return false;
    const first = await getJson("api/keys?limit=2000");
    const rest = first.body.nextCursor ? await getJson(`api/keys?limit=2000&cursor=${first.body.nextCursor}`) : { body: { keys: [] } };
    return first.body.keys.length + rest.body.keys.length === KEYS + 1;
  });
});

after(async () => {
  await service?.stop();
});

test("GET /api/keys comes in pages of at most `limit` keys that join up to every key once, in order", async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body, bytes } = await getJson(`api/keys?limit=1000${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(status, 200);
    assert.ok(body.keys.length <= 1000);
    assert.ok(bytes < 100_000, `a page of 1000 keys is ${bytes} bytes`);
    seen.push(...body.keys.map((k: { key: string }) => k.key));
    cursor = body.nextCursor;
    pages++;
  } while (cursor !== null);
  assert.equal(pages, 3);
  assert.equal(seen.length, KEYS + 1);
  assert.equal(new Set(seen).size, seen.length, "no key twice");
  assert.deepEqual(seen, [...seen].sort(), "in key order");
  // Without a limit, one default page, not everything.
  const first = await getJson("api/keys");
  assert.equal(first.body.keys.length, 500);
  assert.equal(typeof first.body.nextCursor, "string");
});

test("GET /api/keys/:key/history pages join up, oldest or newest first", async () => {
  const collect = async (order: string) => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const { status, body } = await getJson(`api/keys/long/history?limit=70&order=${order}${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(status, 200);
      assert.ok(body.results.length <= 70);
      ids.push(...body.results.map((r: { id: string }) => r.id));
      cursor = body.nextCursor;
    } while (cursor !== null);
    return ids;
  };
  const asc = await collect("asc");
  const desc = await collect("desc");
  // 300 events, windows of 4 sliding by 1: 297 windows.
  assert.equal(asc.length, 297);
  assert.equal(new Set(asc).size, 297);
  assert.deepEqual(desc, [...asc].reverse());
});

test("bad query parameters are answered with 400 naming the parameter", async () => {
  for (const [path, parameter] of [
    ["api/keys?page=2", "page"],
    ["api/keys?limit=0", "limit"],
    ["api/keys?limit=100000", "limit"],
    ["api/keys?limit=ten", "limit"],
    ["api/keys?cursor=not-a-cursor", "cursor"],
    ["api/keys/long/history?order=sideways", "order"],
    ["api/keys/long/history?from=yesterday", "from"],
    ["api/keys/long/history?cursor=" + Buffer.from('"k"').toString("base64url"), "cursor"],
    ["api/live/poll?since=-1", "since"],
  ]) {
    const { status, body } = await getJson(path);
    assert.equal(status, 400, path);
    assert.match(body.error, new RegExp(`^${parameter}: `), path);
  }
});

test("JSON answers are not sniffable as HTML, even with a key full of markup", async () => {
  await post(events("<img src=x onerror=alert(1)>", 4, 1000));
  await until("the HTML-named key's result", async () => (await fetch(service.url + "api/keys/" + encodeURIComponent("<img src=x onerror=alert(1)>") + "/latest")).status === 200);
  const res = await fetch(service.url + "api/keys?limit=5");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await res.json()) as { keys: Array<{ key: string }> };
  assert.equal(body.keys[0].key, "<img src=x onerror=alert(1)>");
});

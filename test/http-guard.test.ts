/**
 * The HTTP surface against real requests: the bearer token on routes that change state,
 * same-origin and Content-Type checks, body limits, slow clients, the connection cap, 405
 * with Allow, HEAD on the probes, query parameters named when wrong, JSON never read as HTML.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { NullSink } from "../src/adapters/sinks/store-sink.ts";
import { checkConfig, ConfigError, parseConfigText, type PipelineConfig } from "../src/service/config/config.ts";
import { RequestGuard } from "../src/service/http/guard.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { startPipeline, type RunningPipeline } from "../src/service/pipeline.ts";

const TOKEN = "s3cret-token-for-tests";
const dir = mkdtempSync(join(tmpdir(), "stda-guard-"));
const root = new URL("..", import.meta.url).pathname;

function config(http: Record<string, unknown>): PipelineConfig {
  const { config, problems } = checkConfig({
    source: { type: "http" },
    sink: { type: "none" },
    store: { path: join(dir, `s-${Math.random().toString(36).slice(2)}.db`) },
    http: { port: 0, host: "127.0.0.1", ...http },
    runner: { workers: 0 },
    stream: { scales: [{ size: 4, slide: 2 }] },
  });
  assert.deepEqual(problems, []);
  return config!;
}

async function start(http: Record<string, unknown>): Promise<{ pipeline: RunningPipeline; base: string; logs: string[] }> {
  const logs: string[] = [];
  const pipeline = await startPipeline(config(http), { logger: createLogger({ level: "debug", write: (line) => logs.push(line) }), sinks: [new NullSink()] });
  return { pipeline, base: `http://127.0.0.1:${pipeline.port}`, logs };
}

const json = { "content-type": "application/json" };
const pause = '{"enabled": false}';
const resume = '{"enabled": true}';

/** Raw bytes to the port; resolves with what came back when the server closes the socket (or after `ms`). */
function raw(port: number, bytes: string, ms: number): Promise<{ data: string; closed: boolean; afterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let data = "";
    socket.on("data", (chunk) => (data += chunk.toString("latin1")));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ data, closed: false, afterMs: Date.now() - started });
    }, ms);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ data, closed: true, afterMs: Date.now() - started });
    });
    socket.on("error", () => undefined);
  });
}

describe("a service with a token", () => {
  let service: Awaited<ReturnType<typeof start>>;
  before(async () => {
    service = await start({ authToken: TOKEN, maxBodyBytes: 2048, headersTimeoutMs: 400, requestTimeoutMs: 800, maxConnections: 6 });
  });
  after(() => service.pipeline.stop());

  it("a mutating route: no token and a wrong token get 401 JSON; the good token 200", async () => {
    const flag = (headers: Record<string, string>, body = pause) => fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { ...json, ...headers }, body });
    const none = await flag({});
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="streaming-tda"');
    assert.deepEqual(await none.json(), { error: "this route needs Authorization: Bearer <token>" });
    const wrong = await flag({ authorization: `Bearer ${TOKEN}x` });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { error: "wrong bearer token" });
    assert.equal((await flag({ authorization: "Basic abc" })).status, 401);
    assert.equal(service.pipeline.runner.paused, false, "refused requests changed nothing");
    const good = await flag({ authorization: `Bearer ${TOKEN}` });
    assert.equal(good.status, 200);
    assert.equal(service.pipeline.runner.paused, true);
    assert.equal((await flag({ authorization: `Bearer ${TOKEN}` }, resume)).status, 200);
    const events = await fetch(`${service.base}/events`, { method: "POST", headers: json, body: '{"key":"a","ts":1,"value":[1,2]}' });
    assert.equal(events.status, 401, "event intake needs the token too");
  });

  it("probes, metrics, the page and the read-only API stay open", async () => {
    for (const path of ["/health", "/ready", "/metrics", "/", "/api/keys", "/flags/streaming_tda_enabled"]) {
      const res = await fetch(service.base + path);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      await res.arrayBuffer();
    }
  });

  it("a foreign Origin, or a cross-site fetch, is refused even with the token", async () => {
    const headers = { ...json, authorization: `Bearer ${TOKEN}` };
    const foreign = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { ...headers, origin: "http://evil.example" }, body: pause });
    assert.equal(foreign.status, 403);
    assert.match(((await foreign.json()) as { error: string }).error, /Origin http:\/\/evil\.example is not this service/);
    const site = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { ...headers, "sec-fetch-site": "cross-site" }, body: pause });
    assert.equal(site.status, 403);
    assert.equal(service.pipeline.runner.paused, false);
    const same = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { ...headers, origin: service.base }, body: resume });
    assert.equal(same.status, 200, "the page's own origin is welcome");
  });

  it("a text/plain 'simple' POST is refused with 415 and pauses nothing", async () => {
    const res = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` }, body: pause });
    assert.equal(res.status, 415);
    assert.deepEqual(await res.json(), { error: "Content-Type must be application/json, not text/plain" });
    assert.equal(service.pipeline.runner.paused, false);
    const csv = await fetch(`${service.base}/events`, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${TOKEN}` }, body: "a,1,1,2\n" });
    assert.equal(csv.status, 202, "events also take the documented CSV type");
  });

  it("an oversized body gets 413: a Content-Length over the limit at once, without the body, and the connection closes", async () => {
    const port = service.pipeline.port!;
    const head = `POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 1000000000\r\n\r\n`;
    const declared = await raw(port, head, 3000);
    assert.ok(declared.closed, "the server closed the connection");
    assert.match(declared.data, /^HTTP\/1\.1 413 /);
    assert.match(declared.data, /connection: close/i);
    assert.match(declared.data, /body larger than 2048 bytes/);
    // A chunked body has no length to check first: it is cut off where it passes the limit.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${service.base}/events`, { method: "POST", headers: { ...json, authorization: `Bearer ${TOKEN}`, "transfer-encoding": "chunked" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, body }));
      });
      req.on("error", reject);
      for (let i = 0; i < 3; i++) req.write("x".repeat(1024));
      req.end();
    });
    assert.equal(chunked.status, 413);
    const flags = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { ...json, authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ enabled: true, pad: "x".repeat(5000) }) });
    assert.equal(flags.status, 413, "the flag route has its own small limit");
  });

  it("a slow client loses its socket: headers never finished, or a body that stalls", async () => {
    const port = service.pipeline.port!;
    const headers = await raw(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n", 5000);
    assert.ok(headers.closed, "closed after the header timeout");
    assert.ok(headers.afterMs < 3000, `closed after ${headers.afterMs} ms`);
    const body = await raw(port, `POST /events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: 100\r\n\r\n{"key"`, 5000);
    assert.ok(body.closed, "closed after the request timeout");
    assert.ok(body.afterMs < 4000, `closed after ${body.afterMs} ms`);
    assert.equal((await fetch(`${service.base}/health`)).status, 200, "the server serves on");
  });

  it("connections beyond the cap are closed at once", async () => {
    const port = service.pipeline.port!;
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        held.push(await new Promise<Socket>((resolve) => {
          const s = connect(port, "127.0.0.1", () => resolve(s));
        }));
      }
      const extra = await raw(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 2000);
      assert.ok(extra.closed, "the seventh connection was closed");
      assert.equal(extra.data, "", "and got no answer");
    } finally {
      for (const s of held) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await fetch(`${service.base}/health`)).status, 200);
  });
});

describe("routes and answers", () => {
  let service: Awaited<ReturnType<typeof start>>;
  before(async () => {
    service = await start({});
  });
  after(() => service.pipeline.stop());

  it("a wrong method gets 405 with Allow; HEAD works on the probes", async () => {
    const del = await fetch(`${service.base}/health`, { method: "DELETE" });
    assert.equal(del.status, 405);
    assert.equal(del.headers.get("allow"), "GET, HEAD");
    assert.deepEqual(await del.json(), { error: "DELETE is not allowed on /health; allowed: GET, HEAD" });
    const get = await fetch(`${service.base}/events`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    await get.arrayBuffer();
    const flag = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "PUT", headers: json, body: pause });
    assert.equal(flag.headers.get("allow"), "GET, POST, HEAD");
    for (const path of ["/health", "/ready", "/metrics"]) {
      const head = await fetch(service.base + path, { method: "HEAD" });
      assert.equal(head.status, 200, path);
      assert.equal(await head.text(), "", `${path}: no body`);
    }
  });

  it("without a token the mutating routes still want JSON and a same-origin caller", async () => {
    const plain = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { "content-type": "text/plain" }, body: pause });
    assert.equal(plain.status, 415);
    const ok = await fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: json, body: resume });
    assert.equal(ok.status, 200);
  });

  it("query parameters are checked, and the answer names the wrong one", async () => {
    const ask = async (query: string) => {
      const res = await fetch(`${service.base}/api/keys/a/history?${query}`);
      return { status: res.status, body: (await res.json()) as { error?: string } };
    };
    assert.deepEqual(await ask("limit=x"), { status: 400, body: { error: 'limit: must be an integer from 1 to 2000, got "x"' } });
    assert.deepEqual(await ask("from=1&to=later"), { status: 400, body: { error: 'to: must be a finite number, got "later"' } });
    assert.deepEqual(await ask("form=1"), { status: 400, body: { error: "form: unknown query parameter; known: from, to, limit, order, cursor" } });
    assert.equal((await ask("from=1&to=2&limit=5")).status, 200);
  });

  it("JSON answers cannot be read as HTML", async () => {
    const res = await fetch(`${service.base}/api/keys/${encodeURIComponent("<script>alert(1)</script>")}/latest`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    const text = await res.text();
    assert.ok(!text.includes("<"), text);
    assert.match((JSON.parse(text) as { error: string }).error, /<script>alert\(1\)<\/script>/, "the same text once parsed");
  });
});

describe("the token's sources", () => {
  it("http.authTokenFile: the file's token is required; a missing file is a config error naming it", async () => {
    const file = join(dir, "token");
    writeFileSync(file, `${TOKEN}\n`);
    const service = await start({ authTokenFile: file });
    try {
      const post = (auth?: string) =>
        fetch(`${service.base}/flags/streaming_tda_enabled`, { method: "POST", headers: { ...json, ...(auth ? { authorization: auth } : {}) }, body: resume });
      assert.equal((await post()).status, 401);
      assert.equal((await post(`Bearer ${TOKEN}`)).status, 200);
    } finally {
      await service.pipeline.stop();
    }
    await assert.rejects(start({ authTokenFile: join(dir, "nope") }), (err: unknown) => err instanceof ConfigError && /http\.authTokenFile: cannot read .*nope: ENOENT/.test(err.message));
  });

  it("a token in a config file is refused: secrets come from the environment or a file", () => {
    assert.throws(() => parseConfigText("http:\n  authToken: abc\n", "p.yaml"), /p\.yaml:2: http\.authToken: is a secret: set it in the environment \(STREAMING_TDA_AUTH_TOKEN\), never in a config file/);
  });

  it("listening beyond loopback without a token logs a warning", () => {
    const warned = (host: string, token?: string) => {
      const lines: string[] = [];
      new RequestGuard({ host, token, logger: createLogger({ level: "debug", write: (l) => lines.push(l) }) });
      return lines.some((l) => /listening beyond loopback without an auth token/.test(l));
    };
    assert.equal(warned("0.0.0.0"), true);
    assert.equal(warned("0.0.0.0", TOKEN), false);
    assert.equal(warned("127.0.0.1"), false);
    assert.equal(warned("::1"), false);
  });
});

describe("streaming-tda run, as a user starts it", () => {
  it("with STREAMING_TDA_AUTH_TOKEN set: 401 without it, 200 with it; listens on 127.0.0.1 by default and says so; the token is never logged", async () => {
    const child = spawn(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), "run", "--source", "http", "--port", "0", "--sink", "none"], {
      env: { ...process.env, STREAMING_TDA_AUTH_TOKEN: TOKEN, LOG_LEVEL: "debug" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const listening = await new Promise<{ host: string; port: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "http listening" line in 30 s; stderr: ${stderr}`)), 30_000);
        child.stderr.on("data", () => {
          const line = stderr.split("\n").find((l) => l.includes('"http listening"'));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line) as { host: string; port: number });
          }
        });
        void exited.then((code) => reject(new Error(`exited ${code} before listening; stderr: ${stderr}`)));
      });
      assert.equal(listening.host, "127.0.0.1");
      const url = `http://127.0.0.1:${listening.port}/flags/streaming_tda_enabled`;
      assert.equal((await fetch(url, { method: "POST", headers: json, body: pause })).status, 401);
      assert.equal((await fetch(url, { method: "POST", headers: { ...json, authorization: `Bearer ${TOKEN}` }, body: pause })).status, 200);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 0, stderr);
    assert.ok(!stderr.includes(TOKEN), "the token is not in the log");
    assert.doesNotMatch(stderr, /listening beyond loopback/);
  });
});

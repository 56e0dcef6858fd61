/**
 * `streaming-tda validate-deployment URL` against a real service: it passes on a service with
 * an HTTP source and a store, and fails with the step that failed on one that cannot take
 * events, one that is paused, and an address where nothing listens.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { metricTotal } from "../src/ops/validate/validate-deployment.ts";
import { root } from "./helpers/deploy.ts";

const stops: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(stops.map((s) => s()));
});

/** Starts `streaming-tda run` with the given config lines on a free loopback port; resolves its URL. */
async function service(lines: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "validate-"));
  const config = join(dir, "pipeline.yaml");
  writeFileSync(config, [...lines, "http: { host: 127.0.0.1, port: 0 }", "sink: { type: none }", "runner: { workers: 1 }"].join("\n"));
  const child = spawn(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), "run", "--config", config], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  stops.push(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
  });
  for (let i = 0; i < 300; i++) {
    const m = /"msg":"http listening"[^\n]*"port":(\d+)/.exec(log);
    if (m) return `http://127.0.0.1:${m[1]}`;
    await sleep(50);
  }
  throw new Error(`the service did not start: ${log}`);
}

function validate(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), "validate-deployment", ...args], {
    encoding: "utf8",
    timeout: 90_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("a service with an HTTP source and a store passes, the test events seen in the API", async () => {
  const dir = mkdtempSync(join(tmpdir(), "validate-"));
  const url = await service(["source: { type: http }", `store: { path: ${JSON.stringify(join(dir, "s.db"))}, checkpointIntervalMs: 100 }`, "stream: { scales: [{ size: 32, slide: 4 }] }"]);
  const r = validate([url, "--timeout", "60"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.deepEqual(lines.slice(0, -1).map((l) => l.slice(6).split(/\s+/)[0]), ["health", "ready", "metrics", "events", "processed", "results"]);
  assert.equal(lines.at(-1), `validate-deployment: ${url} is serving`);
  assert.match(r.stdout, /^ok {4}events {4}POST \/events: 100 test events accepted under key validate-deployment-[0-9a-f]{8}$/m);
  assert.match(r.stdout, /^ok {4}processed streaming_tda_events_processed_total rose by 1\d\d \(≥ 100\)$/m);
  assert.match(r.stdout, /^ok {4}results {3}GET \/api\/keys: \d+ window results for validate-deployment-/m);
});

test("a service that cannot take events fails at the events step; a paused one at ready", async () => {
  const demo = await service(["source: { type: demo, rate: 50 }"]);
  const r = validate([demo]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^FAIL {2}events {4}POST \/events answered 404: .*reads from its demo source/m);
  assert.match(r.stdout, /^validate-deployment: http:\/\/127\.0\.0\.1:\d+ failed$/m);

  const paused = await service(["source: { type: http }"]);
  const flag = await fetch(`${paused}/flags/streaming_tda_enabled`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"enabled": false}' });
  assert.equal(flag.status, 200);
  const p = validate([paused]);
  assert.equal(p.code, 1);
  assert.match(p.stdout, /^FAIL {2}ready {5}GET \/ready answered 503: .*"notPaused":false/m);
});

test("nothing listening, and a URL that is not one", async () => {
  const server = createServer();
  const port = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
  await new Promise((resolve) => server.close(resolve));
  const r = validate([`http://127.0.0.1:${port}`, "--timeout", "5"]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^FAIL  health    http://127\\.0\\.0\\.1:${port}: ECONNREFUSED$`, "m"));
  const bad = validate(["streaming-tda:8080"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^streaming-tda: validate-deployment: streaming-tda:8080 is not an http:\/\/ or https:\/\/ URL$/m);
});

test("metricTotal sums every sample of one metric and no other", () => {
  const text = "# HELP a x\na_total 3\na_total{x=\"1\"} 4\na_total_other 100\nb 1\n";
  assert.equal(metricTotal(text, "a_total"), 7);
  assert.equal(metricTotal(text, "missing"), undefined);
});

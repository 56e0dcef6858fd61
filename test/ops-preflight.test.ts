/**
 * `streaming-tda preflight`: one line per check, exit 1 on any failure, each failure saying
 * what and where; reachability checks against a real listening socket and a closed port.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkCpus, checkMemory, checkReachable } from "../src/ops/preflight/checks.ts";
import { cli } from "./helpers/cli.ts";

function listening(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.end());
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

function config(dir: string, port: number, extra = ""): string {
  const path = join(dir, `pipeline-${port}.yaml`);
  writeFileSync(path, `source: { type: http }\nstore: { path: ${JSON.stringify(join(dir, "state.db"))} }\nhttp: { host: 127.0.0.1, port: ${port} }\n${extra}`);
  return path;
}

test("preflight passes on a valid config with a free port, one line per check", async () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  const { server, port } = await listening();
  await new Promise((r) => server.close(r)); // now free
  const r = cli(["preflight", "--config", config(dir, port), "--min-memory-gb", "0.1", "--min-disk-gb", "0.01"]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.deepEqual(lines.slice(0, -1).map((l) => l.slice(6).split(/\s+/)[0]), ["cpus", "memory", "config", "disk", "store", "port", "network"]);
  assert.equal(lines.at(-1), "preflight: all checks passed");
  assert.match(r.stdout, new RegExp(`^ok    port      127\\.0\\.0\\.1:${port} is free$`, "m"));
  assert.match(r.stdout, /^ok {4}config {4}.*: valid; source http, store .*state\.db, http 127\.0\.0\.1:\d+$/m);
});

test("preflight fails on a port in use, and on more memory or disk than there is", async () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  const { server, port } = await listening();
  try {
    const r = cli(["preflight", "--config", config(dir, port), "--min-memory-gb", "100000", "--min-disk-gb", "100000000"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, new RegExp(`^FAIL  port      127\\.0\\.0\\.1:${port}: in use by another process$`, "m"));
    assert.match(r.stdout, /^FAIL {2}memory {4}.* free of .*; at least 100000\.0 GiB wanted$/m);
    assert.match(r.stdout, /^FAIL {2}disk {6}/m);
    assert.match(r.stdout, /^preflight: 3 checks failed$/m);
    assert.equal(existsSync(join(dir, "state.db")), false, "preflight wrote nothing");
  } finally {
    server.close();
  }
});

test("preflight fails on a bad config, naming the line and setting, and says what it could not check", () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  const r = cli(["preflight", "--config", config(dir, 8080, "runner: { wrokers: 2 }\n")]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^FAIL {2}config {4}\S+pipeline-8080\.yaml:4: runner\.wrokers: unknown setting \(did you mean "workers"\?\)$/m);
  assert.match(r.stdout, /^FAIL {2}port {6}not checked: the config does not load$/m);
});

test("the checks' own verdicts: CPUs, memory, reachability", async () => {
  assert.equal(checkCpus(1).status, "FAIL");
  assert.equal(checkCpus(4).status, "warn");
  assert.equal(checkCpus(16).status, "ok");
  assert.equal(checkMemory(2 ** 30, 2 ** 29, 2 ** 31).status, "FAIL");
  const { server, port } = await listening();
  assert.deepEqual(await checkReachable("redis", "127.0.0.1", port, 2000), { name: "redis", status: "ok", detail: `127.0.0.1:${port} reachable` });
  await new Promise((r) => server.close(r));
  const closed = await checkReachable("redis", "127.0.0.1", port, 2000);
  assert.equal(closed.status, "FAIL");
  assert.match(closed.detail, /unreachable: ECONNREFUSED/);
});

test("preflight checks every Kafka broker, the Redis store and the S3 endpoint the config names", async () => {
  const dir = mkdtempSync(join(tmpdir(), "preflight-"));
  const up = await listening();
  const down = await listening();
  await new Promise((r) => down.server.close(r)); // a closed port
  const http = await listening();
  await new Promise((r) => http.server.close(r));
  try {
    const path = join(dir, "scale-out.yaml");
    writeFileSync(
      path,
      [
        "source: { type: kafka, topic: events }",
        "sink: { type: kafka }",
        `store: { path: "redis://127.0.0.1:${up.port}" }`,
        `http: { host: 127.0.0.1, port: ${http.port} }`,
        `kafka: { brokers: ["127.0.0.1:${up.port}", "127.0.0.1:${down.port}"] }`,
        `archive: { url: "s3://bucket/prefix", endpoint: "http://127.0.0.1:${up.port}" }`,
        "",
      ].join("\n"),
    );
    const r = cli(["preflight", "--config", path, "--min-memory-gb", "0.1", "--min-disk-gb", "0.01"]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`^ok {4}kafka {5}127\\.0\\.0\\.1:${up.port} reachable$`, "m"));
    assert.match(r.stdout, new RegExp(`^FAIL {2}kafka {5}127\\.0\\.0\\.1:${down.port} unreachable: ECONNREFUSED$`, "m"));
    assert.match(r.stdout, new RegExp(`^ok {4}redis {5}127\\.0\\.0\\.1:${up.port} reachable$`, "m"));
    assert.match(r.stdout, new RegExp(`^ok {4}s3 {8}127\\.0\\.0\\.1:${up.port} reachable$`, "m"));
    assert.doesNotMatch(r.stdout, /names no Kafka/);
    assert.match(r.stdout, /^preflight: 1 check failed$/m);
  } finally {
    up.server.close();
  }
});

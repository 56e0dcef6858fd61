/**
 * Faults in the setup, run as a user would (the real command line): a store path that cannot
 * be, a port in use, a host that is not this machine's, a store another process holds, a file
 * rotated under a checkpoint. Each exits with the config status (78) and a last line that
 * names the path, port or host, never "internal error".
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const root = new URL("..", import.meta.url).pathname;
const node = join(root, "node_modules/.bin/node");
const bin = join(root, "bin/streaming-tda.js");
const EX_CONFIG = 78;

function events(key: string, n: number): string {
  let text = "";
  for (let i = 0; i < n; i++) text += JSON.stringify({ key, ts: i, value: [Math.cos(i), Math.sin(i), 0] }) + "\n";
  return text;
}

function run(args: string[]): { code: number | null; last: string; stderr: string } {
  const r = spawnSync(node, [bin, "run", ...args], { encoding: "utf8", env: { ...process.env, DEBUG: "", LOG_LEVEL: "warn" }, timeout: 60_000 });
  const lines = r.stderr.trimEnd().split("\n");
  return { code: r.status, last: lines[lines.length - 1], stderr: r.stderr };
}

function assertSetupFault(result: { code: number | null; last: string; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, EX_CONFIG, `exit status, stderr: ${result.stderr}`);
  assert.match(result.last, /^streaming-tda: /);
  assert.match(result.last, pattern);
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
}

const yaml = (dir: string, name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

test("a store path that cannot be a store is named, with the config status", () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-operator-"));
  const input = yaml(dir, "e.jsonl", events("a", 3));
  const store = join(input, "state.db");
  assertSetupFault(run(["--source", `file:${input}`, "--store", store, "--port", "none", "--sink", "none"]), new RegExp(`store ${store}: cannot create its directory`));
});

test("a port in use and a host that is not this machine's are named, with the config status", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-operator-"));
  const input = yaml(dir, "e.jsonl", events("a", 3));
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const inUse = yaml(dir, "in-use.yaml", `source: { type: file, path: ${input} }\nsink: { type: none }\nhttp: { host: 127.0.0.1, port: ${port} }\n`);
    assertSetupFault(run(["--config", inUse]), new RegExp(`http: cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is in use`));
  } finally {
    blocker.close();
  }
  // 192.0.2.1 is TEST-NET-1: an address no machine of ours has.
  const foreign = yaml(dir, "foreign.yaml", `source: { type: file, path: ${input} }\nsink: { type: none }\nhttp: { host: 192.0.2.1, port: 0 }\n`);
  assertSetupFault(run(["--config", foreign]), /http: cannot listen on 192\.0\.2\.1:0: host 192\.0\.2\.1 is not an address of this machine/);
});

test("a second process on a store fails at start naming the first one's pid", { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-operator-"));
  const input = yaml(dir, "e.jsonl", events("a", 3));
  const store = join(dir, "state.db");
  const first = spawn(node, [bin, "run", "--source", `file:${input}`, "--follow", "--store", store, "--port", "none", "--sink", "none"], {
    env: { ...process.env, LOG_LEVEL: "info" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => first.once("exit", (code) => resolve(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      first.stderr.on("data", (d) => {
        stderr += d;
        if (stderr.includes('"msg":"pipeline started"')) resolve();
      });
      first.once("exit", (code) => reject(new Error(`the first process exited (${code}) before starting: ${stderr}`)));
    });
    assertSetupFault(run(["--source", `file:${input}`, "--store", store, "--port", "none", "--sink", "none"]), new RegExp(`store ${store} is in use by pid ${first.pid} \\(since `));
  } finally {
    first.kill("SIGTERM");
  }
  assert.equal(await exited, 0, `the first process stops cleanly: ${stderr}`);
});

test("a file rotated under a checkpoint is refused, naming the file", { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-operator-"));
  const input = yaml(dir, "e.jsonl", events("a", 40));
  const store = join(dir, "state.db");
  const args = ["--source", `file:${input}`, "--store", store, "--port", "none", "--sink", "none"];
  const firstRun = run(args);
  assert.equal(firstRun.code, 0, firstRun.stderr);
  renameSync(input, `${input}.1`);
  writeFileSync(input, events("b", 80));
  assertSetupFault(run(args), new RegExp(`${input} is not the file the checkpoint was taken on \\(inode \\d+, not \\d+\\)`));
});

test("a sink file that cannot be written stops the start, named, with the config status; a torn last line is cut with a warning", () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-operator-"));
  const input = yaml(dir, "e.jsonl", events("a", 40));
  const blocked = join(input, "out.jsonl");
  assertSetupFault(run(["--source", `file:${input}`, "--sink", `file:${blocked}`, "--port", "none"]), new RegExp(`sink file ${blocked}: cannot create its directory ${input}: file already exists`));

  const out = yaml(dir, "out.jsonl", '{"a":1}\n{"a":2, "tor');
  const result = run(["--source", `file:${input}`, "--sink", `file:${out}`, "--port", "none", "--window", "16", "--slide", "4"]);
  assert.equal(result.code, 0, result.stderr);
  const warning = result.stderr.split("\n").find((line) => line.includes("torn last line"));
  assert.ok(warning, `a warning names the cut, stderr: ${result.stderr}`);
  assert.deepEqual({ path: JSON.parse(warning).path, bytesCut: JSON.parse(warning).bytesCut }, { path: out, bytesCut: 12 });
  const lines = readFileSync(out, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], '{"a":1}');
  assert.equal(lines.slice(1).filter((line) => JSON.parse(line).type === "window").length, 7, "the run's windows follow the last complete line");
});

/**
 * The embedded store's faults: two processes on one store, a damaged file (at open and found
 * later), a path that cannot hold a store, and the state codec that replaced v8.serialize.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SetupError } from "../src/adapters/types.ts";
import { decodeState, StateEncoder } from "../src/adapters/store/state-codec.ts";
import { SqliteStateStore } from "../src/adapters/store/sqlite-store.ts";
import type { OutputRecord } from "../src/adapters/types.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "stda-store-faults-"));
const root = new URL("..", import.meta.url).pathname;

test("one store, one process: a second opener fails naming the holder's pid; the lock dies with its holder", { timeout: 60_000 }, async () => {
  const path = join(tmp(), "s.db");
  const first = new SqliteStateStore(path);
  assert.throws(() => new SqliteStateStore(path), (err: Error) => {
    assert.ok(err instanceof SetupError);
    assert.equal(err.message, `store ${path} is in use by pid ${process.pid} (since ${(err.message.match(/since ([^)]+)\)/) ?? [])[1]}): stop that process first, or give this one another --store`);
    return true;
  });
  await first.close();
  const again = new SqliteStateStore(path);
  await again.close();

  // Another process holds it, then is killed without a chance to clean up.
  const script = `import { SqliteStateStore } from ${JSON.stringify(join(root, "src/adapters/store/sqlite-store.ts"))};
    new SqliteStateStore(${JSON.stringify(path)}); process.stdout.write("held\\n"); setInterval(() => {}, 1000);`;
  const child = spawn(join(root, "node_modules/.bin/node"), ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => String(d).includes("held") && resolve());
      child.once("exit", (code) => reject(new Error(`the holder exited (${code}) before taking the lock: ${stderr}`)));
    });
    assert.throws(() => new SqliteStateStore(path), new RegExp(`^SetupError: store .* is in use by pid ${child.pid} \\(since `));
  } finally {
    child.kill("SIGKILL");
  }
  assert.equal(await exited, -1);
  const after = new SqliteStateStore(path);
  await after.close();
});

function results(keys: number, perKey: number): OutputRecord[] {
  const out: OutputRecord[] = [];
  for (let k = 0; k < keys; k++) {
    for (let i = 0; i < perKey; i++) out.push({ type: "window", id: `k${k}|s|${i}`, key: `k${k}`, end: i, anomaly: false, note: "x".repeat(500) } as unknown as OutputRecord);
  }
  return out;
}

function scribble(path: string, from: number, bytes: number): void {
  const fd = openSync(path, "r+");
  writeSync(fd, Buffer.alloc(bytes, 0x5a), 0, bytes, from);
  closeSync(fd);
}

test("a damaged store is refused at open, and one found damaged later fails ping (readiness)", async () => {
  const dir = tmp();
  const path = join(dir, "s.db");
  const store = new SqliteStateStore(path);
  await store.appendResults(results(200, 40));
  await store.close();
  const size = statSync(path).size;
  assert.ok(size > 4 << 20, `a store larger than SQLite's page cache (${size} bytes)`);

  // Damaged while open: pages the connection has not cached read back as garbage.
  const open = new SqliteStateStore(path);
  assert.equal(await open.ping(), true);
  scribble(path, 256 * 4096, size / 2);
  let failures = 0;
  for (let k = 0; k < 200; k++) await open.history(`k${k}`, 0, 100, 100).catch(() => failures++);
  assert.ok(failures > 0, "some history queries hit the damage");
  assert.equal(await open.ping(), false);
  assert.match(open.damage ?? "", /malformed/);
  await open.close();

  // Opened again: quick_check finds it.
  assert.throws(() => new SqliteStateStore(path), (err: Error) => {
    assert.ok(err instanceof SetupError);
    assert.match(err.message, new RegExp(`^store ${path} is damaged \\(SQLite's quick_check: .*\\): restore it from a backup, or move it aside to start afresh$`, "s"));
    return true;
  });

  // Not a database at all; a path that cannot be a directory.
  const text = join(dir, "notes.txt");
  writeFileSync(text, "these are notes, not a store\n".repeat(200));
  assert.throws(() => new SqliteStateStore(text), new RegExp(`^SetupError: store ${text} is not a SQLite database`));
  assert.throws(() => new SqliteStateStore(join(text, "s.db")), new RegExp(`^SetupError: store ${text}/s\\.db: cannot create its directory: .*\\((EEXIST|ENOTDIR)\\)`));
  rmSync(dir, { recursive: true, force: true });
});

test("state codec: exact numbers, strings, typed arrays, Maps and Sets", () => {
  const state = {
    n: [0, -0, 1, -1, 2 ** 31, -(2 ** 31) - 1, 0.1, 1e300, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity],
    s: ["", "ascii", "é κ 🙂", "\u0000"],
    flags: [true, false, null, undefined],
    nested: { a: { b: [[], {}, [1, [2, [3]]]] } },
    typed: [new Float64Array([1.5, NaN]), new Float32Array([0.1]), new Int32Array([-7]), new Uint32Array([2 ** 32 - 1]), new Uint8Array([255])],
    map: new Map<unknown, unknown>([["k", 1], [2, { x: [3] }]]),
    set: new Set([1, "two"]),
  };
  const encoder = new StateEncoder();
  const bytes = encoder.encode(state).slice();
  const back = decodeState(bytes) as typeof state;
  assert.deepEqual(back, state);
  assert.ok(Object.is(back.n[1], -0));
  // The encoder's buffer is reused: a second state does not change a copy of the first.
  encoder.encode({ other: "x".repeat(10_000) });
  assert.deepEqual(decodeState(bytes), state);
  assert.throws(() => encoder.encode({ when: new Date(0) }), /state codec: cannot encode a Date/);
  assert.throws(() => encoder.encode({ f: () => 1 }), /state codec: cannot encode a function/);
  assert.throws(() => decodeState(bytes.subarray(0, bytes.length - 3)), /^TypeError: state codec: the state ends early: it is damaged$/);
});

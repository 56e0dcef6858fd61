/**
 * Backup and restore of the embedded store: the archive round-trips; a tampered, truncated
 * or wrongly keyed archive is refused with one clear line and a non-zero exit, and nothing
 * is changed; the key never comes from the command line; and after a restore, `run` resumes
 * from the restored offsets with the output of a run that never stopped.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openArchive, sealArchive } from "../src/ops/backup/archive.ts";
import { readBackupKey } from "../src/ops/backup/key.ts";
import { assertOneLineFailure, cli, type CliResult } from "./helpers/cli.ts";
import { root } from "./helpers/deploy.ts";

const KEY = "9f".repeat(32);
const OTHER_KEY = "a0".repeat(32);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ops-backup-"));
}

/** `streaming-tda ARGS` with the backup key in the environment (or none). */
function withKey(args: string[], key: string | undefined = KEY): CliResult {
  const env = { ...process.env, DEBUG: "", STREAMING_TDA_BACKUP_KEY: key ?? "" };
  const r = spawnSync(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), ...args], { encoding: "utf8", cwd: root, env, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Noisy circles for a few keys, one JSON line each, in time order, with a bad line now and then. */
function eventLines(from: number, to: number): string {
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    for (let k = 0; k < 4; k++) {
      const t = ((i * 7919 + k * 104729) % 1000) / 1000 * 2 * Math.PI;
      const r = 1 + (k === 2 && i > 260 ? 0.8 * Math.sin(i) : 0.05 * Math.cos(i * 3));
      lines.push(JSON.stringify({ key: `k${k}`, ts: 1_700_000_000_000 + i * 10, value: [r * Math.cos(t), r * Math.sin(t), 0.01 * k] }));
    }
    if (i % 97 === 5) lines.push("{broken");
  }
  return lines.join("\n") + "\n";
}

const RUN = ["run", "--window", "24", "--slide", "3", "--workers", "2", "--port", "none", "--checkpoint-interval", "50"];

function run(events: string, store: string, sink: string): void {
  const r = cli([...RUN, "--source", `file:${events}`, "--store", store, "--sink", `file:${sink}`]);
  assert.equal(r.code, 0, r.stderr);
}

/** Window results and feature events by id: what a consumer deduplicating by id keeps. */
function outputsById(...files: string[]): Map<string, string> {
  const byId = new Map<string, string>();
  for (const file of files) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line) continue;
      const record = JSON.parse(line) as { id?: string; type?: string };
      const id = record.id ?? `${record.type}:${line}`;
      const seen = byId.get(id);
      assert.ok(seen === undefined || seen === line, `id ${id} came out twice with different content`);
      byId.set(id, line);
    }
  }
  return byId;
}

test("the archive round-trips its entries and manifest", () => {
  const key = Buffer.from(KEY, "hex");
  const entries = [{ name: "a", data: Buffer.from("first") }, { name: "b", data: Buffer.alloc(100_000, 7) }];
  const { bytes, manifest } = sealArchive(entries, { project: "streaming-tda", projectVersion: "9.9.9", createdAt: "2026-01-01T00:00:00.000Z", origin: {} }, key);
  const opened = openArchive(bytes, key, "x.tdab");
  assert.deepEqual(opened.manifest, manifest);
  assert.equal(opened.manifest.format, 1);
  assert.deepEqual([...opened.entries.keys()], ["a", "b"]);
  assert.ok(opened.entries.get("b")!.equals(entries[1].data));
  assert.match(manifest.entries[0].sha256, /^[0-9a-f]{64}$/);
  // Encrypted: the plaintext does not appear, and two archives of the same data differ.
  assert.equal(bytes.indexOf("9.9.9"), -1);
  assert.notDeepEqual(sealArchive(entries, manifest, key).bytes, bytes);
});

test("every damaged archive is refused with its own reason", () => {
  const key = Buffer.from(KEY, "hex");
  const { bytes } = sealArchive([{ name: "a", data: Buffer.alloc(5000, 1) }], { project: "streaming-tda", projectVersion: "0", createdAt: "t", origin: {} }, key);
  const flip = (at: number) => {
    const copy = Buffer.from(bytes);
    copy[at] ^= 0x01;
    return copy;
  };
  assert.throws(() => openArchive(flip(bytes.length - 40), key, "f"), /f: damaged or tampered with: authentication failed/);
  assert.throws(() => openArchive(flip(bytes.length - 1), key, "f"), /damaged or tampered with/);
  assert.throws(() => openArchive(flip(30), key, "f"), /damaged or tampered with/); // the IV, authenticated as part of the header
  assert.throws(() => openArchive(bytes.subarray(0, bytes.length - 100), key, "f"), /f: truncated: \d+ bytes of \d+/);
  assert.throws(() => openArchive(bytes.subarray(0, 20), key, "f"), /f: truncated/);
  assert.throws(() => openArchive(Buffer.concat([bytes, Buffer.from("x")]), key, "f"), /1 bytes after the end/);
  assert.throws(() => openArchive(bytes, Buffer.from(OTHER_KEY, "hex"), "f"), /f: wrong key/);
  assert.throws(() => openArchive(Buffer.from("hello"), key, "f"), /f: not a streaming-tda backup archive/);
});

test("the key: 64 hex digits from a file or the environment, never echoed", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "key"), KEY + "\n");
  assert.equal(readBackupKey(join(dir, "key"), {}).toString("hex"), KEY);
  assert.equal(readBackupKey(undefined, { STREAMING_TDA_BACKUP_KEY: KEY }).toString("hex"), KEY);
  assert.throws(() => readBackupKey(undefined, {}), /no backup key: give --key-file FILE or set STREAMING_TDA_BACKUP_KEY/);
  writeFileSync(join(dir, "short"), "secret-passphrase");
  assert.throws(() => readBackupKey(join(dir, "short"), {}), (err: Error) => /expected 64 hex digits/.test(err.message) && !err.message.includes("secret"));
  assert.throws(() => readBackupKey(join(dir, "missing"), {}), /cannot read: ENOENT/);
  // There is no option that takes the key itself.
  assertOneLineFailure(cli(["backup", "--key", KEY, "--store", "x", "--out", "y"]), /unknown option --key/);
});

test("backup, verify and restore through the CLI; refusals change nothing", () => {
  const dir = tempDir();
  const events = join(dir, "events.jsonl");
  writeFileSync(events, eventLines(0, 200));
  const store = join(dir, "state.db");
  run(events, store, join(dir, "out.jsonl"));
  const config = join(dir, "pipeline.yaml");
  writeFileSync(config, `source: { type: file, path: ${JSON.stringify(events)} }\nstore: { path: ${JSON.stringify(store)} }\n`);
  const archive = join(dir, "state.tdab");
  const backup = withKey(["backup", "--config", config, "--out", archive]);
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /state\.tdab: \d+ bytes; store .*state\.db \(4 keys, resumes from \{"offset":\d+,"line":\d+,.*\}\), \d+ recent results, config /);
  assert.equal(statSync(archive).mode & 0o077, 0, "the archive is readable by its owner only");
  const verify = withKey(["restore", archive, "--verify"]);
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /ok: archive of .* by streaming-tda 0\.1\.0 \(format 1\): 4 entries verified, 4 keys/);

  // Refusals: each exits non-zero with one line, and the existing store is untouched.
  const before = readFileSync(store);
  const damaged = join(dir, "damaged.tdab");
  const bytes = readFileSync(archive);
  bytes[bytes.length - 50] ^= 0x80;
  writeFileSync(damaged, bytes);
  const truncated = join(dir, "truncated.tdab");
  writeFileSync(truncated, readFileSync(archive).subarray(0, 1000));
  assertOneLineFailure(withKey(["restore", damaged, "--store", store, "--force"]), /damaged\.tdab: damaged or tampered with: authentication failed/);
  assertOneLineFailure(withKey(["restore", truncated, "--store", store, "--force"]), /truncated\.tdab: truncated: 1000 bytes of \d+/);
  assertOneLineFailure(withKey(["restore", archive, "--store", store, "--force"], OTHER_KEY), /state\.tdab: wrong key/);
  assertOneLineFailure(withKey(["restore", archive, "--store", store, "--force"], "not-a-key"), /STREAMING_TDA_BACKUP_KEY: expected 64 hex digits/);
  assertOneLineFailure(withKey(["restore", archive, "--store", store]), /exists: stop the service using it, then give --force/);
  assert.ok(readFileSync(store).equals(before), "a refused restore changed the store");
  const fresh = join(dir, "fresh", "state.db");
  assertOneLineFailure(withKey(["restore", damaged, "--store", fresh]), /damaged or tampered/);
  assert.equal(existsSync(join(dir, "fresh")), false, "a refused restore created files");

  const restored = withKey(["restore", archive, "--store", fresh, "--config-out", join(dir, "restored.yaml")]);
  assert.equal(restored.code, 0, restored.stderr);
  assert.equal(readFileSync(join(dir, "restored.yaml"), "utf8"), readFileSync(config, "utf8"));
});

test("after a restore, run resumes from the restored offsets and its output equals a run that never stopped", () => {
  const dir = tempDir();
  // The reference: all the input in one run (from the same path: dead letters name it).
  const events = join(dir, "events.jsonl");
  const all = eventLines(0, 400);
  writeFileSync(events, all);
  run(events, join(dir, "reference.db"), join(dir, "reference.out"));

  // The interrupted deployment: the first part, a backup, more input processed, then the store lost.
  writeFileSync(events, eventLines(0, 150));
  const store = join(dir, "state.db");
  run(events, store, join(dir, "part1.out"));
  const archive = join(dir, "backup.tdab");
  assert.equal(withKey(["backup", "--store", store, "--out", archive]).code, 0);
  appendFileSync(events, eventLines(150, 250));
  run(events, store, join(dir, "lost.out"));

  // Restored into a new place, the pipeline reads again from the backup's offsets to the end.
  appendFileSync(events, eventLines(250, 400));
  assert.equal(readFileSync(events, "utf8"), all);
  const restoredStore = join(dir, "restored", "state.db");
  const restore = withKey(["restore", archive, "--store", restoredStore]);
  assert.equal(restore.code, 0, restore.stderr);
  run(events, restoredStore, join(dir, "part2.out"));

  const reference = outputsById(join(dir, "reference.out"));
  const resumed = outputsById(join(dir, "part1.out"), join(dir, "part2.out"));
  assert.ok(reference.size > 300, `reference outputs: ${reference.size}`);
  assert.deepEqual([...resumed.keys()].sort(), [...reference.keys()].sort());
  for (const [id, line] of reference) assert.equal(resumed.get(id), line, id);
  // part 2 started at the backup's offset, not at the start nor at the lost run's end.
  const part2 = readFileSync(join(dir, "part2.out"), "utf8");
  const windowIds = (file: string) => [...outputsById(file).keys()].filter((id) => !id.includes(":"));
  const lost = windowIds(join(dir, "lost.out"));
  assert.ok(lost.length > 50 && lost.every((id) => part2.includes(JSON.stringify(id))), "the input processed after the backup is processed again");
  assert.ok(windowIds(join(dir, "part1.out")).every((id) => !part2.includes(JSON.stringify(id))), "input before the backup is not processed again");
});

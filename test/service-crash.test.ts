/**
 * The delivery protocol on each state store. With the SQLite store, in real child
 * processes: SIGKILL mid-stream then a restart gives, together, the outputs of an
 * uninterrupted run (repeats only with the same id), and SIGTERM exits 0 within 10 s with a
 * checkpoint at the end of what was read. The in-memory store (`--store none`) cannot
 * survive its process, so it is restarted within one: a pipeline stopped mid-stream and a
 * new one started on the same store resume, with the same outputs together.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { MemoryStateStore } from "../src/adapters/store/memory-store.ts";
import type { OutputRecord, Sink } from "../src/adapters/types.ts";
import { checkConfig } from "../src/service/config/config.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { startPipeline } from "../src/service/pipeline.ts";

const RUN = "import { run } from './src/service/cli/run.ts'; process.exitCode = await run(process.argv.slice(1));";
const COMMON = ["--window", "24", "--slide", "3", "--workers", "2", "--port", "none", "--checkpoint-interval", "50"];

/** Noisy circles for a few keys, in time order, with some broken lines among them. */
function eventLines(keys: number, perKey: number, seed = 7): string[] {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const lines: string[] = [];
  for (let i = 0; i < perKey; i++) {
    for (let k = 0; k < keys; k++) {
      const t = rand() * 2 * Math.PI;
      const value = [Math.cos(t) + 0.05 * rand(), Math.sin(t) + 0.05 * rand(), 0.05 * rand()];
      lines.push(JSON.stringify({ key: `k${k}`, ts: 1_700_000_000_000 + i * 10, value }));
      if ((i * keys + k) % 97 === 13) lines.push(i % 2 ? "not json" : JSON.stringify({ key: `k${k}`, ts: 1, value: [1, "x", 2] }));
    }
  }
  return lines;
}

function start(args: string[]): { child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>; stderr: () => string } {
  const child = spawn(process.execPath, ["--input-type=module", "-e", RUN, "--", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, exit, stderr: () => err };
}

/** Complete JSON lines of an output file (a kill may leave half a line at the end). */
function readOutputs(path: string): Array<Record<string, unknown>> {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, "utf8").split("\n");
  const out: Array<Record<string, unknown>> = [];
  for (const line of lines) {
    try {
      out.push(JSON.parse(line));
    } catch {
      /* the torn last line of a killed run */
    }
  }
  return out;
}

/** Identity of an output: its id, or for a dead letter where it came from. */
function identity(r: Record<string, unknown>): string {
  if (typeof r.id === "string") return `${r.type}:${r.id}`;
  const src = r.source as { line?: number };
  return `dead:${src.line}`;
}

function checkpointOffset(db: string): number | undefined {
  if (!existsSync(db)) return undefined;
  try {
    const conn = new DatabaseSync(db, { readOnly: true });
    const row = conn.prepare("SELECT position FROM state_partition WHERE generation > 0").get() as { position: string | null } | undefined;
    conn.close();
    return row?.position ? (JSON.parse(row.position) as { offset: number }).offset : undefined;
  } catch {
    return undefined;
  }
}

/** waitFor that looks every 700 ms: for "has stopped changing". */
async function waitForSlowly(what: string, cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(700);
  }
}

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const LINES = eventLines(6, 400);

/** The uninterrupted run, once for both restart tests. */
let reference: Promise<{ input: string; outputs: Array<Record<string, unknown>> }> | undefined;
function referenceRun() {
  reference ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "stda-ref-"));
    const input = join(dir, "events.jsonl");
    writeFileSync(input, LINES.join("\n") + "\n");
    const run = start(["--source", `file:${input}`, "--sink", `file:${join(dir, "ref.jsonl")}`, "--store", join(dir, "ref.db"), ...COMMON]);
    const exit = await run.exit;
    assert.equal(exit.code, 0, run.stderr());
    const outputs = readOutputs(join(dir, "ref.jsonl"));
    assert.ok(outputs.filter((r) => r.type === "window").length > 100, "the reference run produced windows");
    return { input, outputs };
  })();
  return reference;
}

/**
 * Runs the input in two parts: the first run follows a file that grows while it works and
 * is stopped by `signal` mid-stream; the second runs from its checkpoint to the end. Their
 * outputs together must be the reference's, repeats only with the same id.
 */
async function interruptedMatchesReference(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  const ref = await referenceRun();
  const dir = mkdtempSync(join(tmpdir(), `stda-${signal}-`));
  const live = join(dir, "live.jsonl");
  const half = Math.floor(LINES.length / 2);
  writeFileSync(live, LINES.slice(0, half).join("\n") + "\n");
  const db = join(dir, "state.db");
  const out1 = join(dir, "out1.jsonl");
  const first = start(["--source", `file:${live}`, "--follow", "--sink", `file:${out1}`, "--store", db, ...COMMON]);
  await waitFor("a first checkpoint", () => (checkpointOffset(db) ?? 0) > 0, 60_000);
  appendFileSync(live, LINES.slice(half).join("\n") + "\n");
  const size = statSync(live).size;
  const before = readOutputs(out1).length;
  await waitFor("progress into the second half", () => readOutputs(out1).length > before + 10, 60_000);
  first.child.kill(signal);
  const firstExit = await first.exit;
  if (signal === "SIGKILL") assert.equal(firstExit.signal, "SIGKILL");
  else assert.equal(firstExit.code, 0, first.stderr());
  const committed = checkpointOffset(db) ?? 0;
  // SIGKILL lands mid-stream; SIGTERM finishes the batches the shards had started (512 lines
  // each), which may already be the whole rest.
  if (signal === "SIGKILL") assert.ok(committed < size, `killed before the end (checkpoint at ${committed} of ${size} bytes)`);
  else assert.match(first.stderr(), /queued batches left for the next run/);

  const out2 = join(dir, "out2.jsonl");
  const second = start(["--source", `file:${live}`, "--sink", `file:${out2}`, "--store", db, ...COMMON]);
  const secondExit = await second.exit;
  assert.equal(secondExit.code, 0, second.stderr());
  assert.match(second.stderr(), /restored checkpoint/);

  const combined = [...readOutputs(out1), ...readOutputs(out2)];
  matchesReference(ref, live, combined, signal === "SIGTERM");
}

/** Outputs of an interrupted run over `input` against the reference: byte for byte, none missing. */
function matchesReference(
  ref: { input: string; outputs: Array<Record<string, unknown>> },
  input: string,
  combined: Array<Record<string, unknown>>,
  noRepeats: boolean,
): void {
  // The two inputs hold the same lines under different names.
  const text = (r: Record<string, unknown>) => JSON.stringify(r).replaceAll(ref.input, input);
  const byId = new Map(ref.outputs.map((r) => [identity(r), text(r)]));
  assert.equal(byId.size, ref.outputs.length, "the reference run has no repeats");
  const seen = new Set<string>();
  for (const r of combined) {
    const id = identity(r);
    assert.equal(text(r), byId.get(id), `output ${id} is the reference's, byte for byte`);
    seen.add(id);
  }
  assert.deepEqual([...byId.keys()].filter((id) => !seen.has(id)), [], "nothing of the reference is missing");
  if (noRepeats) assert.equal(combined.length, ref.outputs.length, "a clean stop repeats nothing");
}

test("SIGKILL mid-stream, restart: both runs' outputs together equal an uninterrupted run's", { timeout: 120_000 }, () =>
  interruptedMatchesReference("SIGKILL"));

test("SIGTERM mid-stream, restart: the same, and nothing repeated", { timeout: 120_000 }, () => interruptedMatchesReference("SIGTERM"));

test("SIGTERM stops intake, checkpoints and exits 0 within 10 s", { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-term-"));
  const input = join(dir, "events.jsonl");
  writeFileSync(input, eventLines(3, 120).join("\n") + "\n");
  const db = join(dir, "state.db");
  const out = join(dir, "out.jsonl");
  const run = start(["--source", `file:${input}`, "--follow", "--sink", `file:${out}`, "--store", db, ...COMMON.slice(0, -2), "--checkpoint-interval", "60000"]);
  // All input processed: outputs stop growing.
  let last = -1;
  await waitForSlowly("all input processed", () => {
    const n = readOutputs(out).length;
    const settled = n > 0 && n === last;
    last = n;
    return settled;
  }, 30_000);
  const sent = Date.now();
  run.child.kill("SIGTERM");
  const exit = await run.exit;
  const took = Date.now() - sent;
  assert.equal(exit.code, 0, run.stderr());
  assert.ok(took < 10_000, `exited after ${took} ms`);
  // The only checkpoint with a 60 s interval is the one taken on the way out.
  assert.equal(checkpointOffset(db), statSync(input).size);
  assert.match(run.stderr(), /"msg":"pipeline finished".*"stopped":true/);
});

/** A sink that keeps what it gets, as the JSON a file sink would write. */
class CollectingSink implements Sink {
  readonly kind = "collect";
  records: Array<Record<string, unknown>> = [];
  async write(records: readonly OutputRecord[]): Promise<void> {
    for (const r of records) this.records.push(JSON.parse(JSON.stringify(r)));
  }
  async close(): Promise<void> {}
}

test("memory store, restarted in the same process: a stop mid-stream and a new pipeline on the store give the uninterrupted outputs", { timeout: 120_000 }, async () => {
  const ref = await referenceRun();
  const dir = mkdtempSync(join(tmpdir(), "stda-memory-"));
  const live = join(dir, "live.jsonl");
  const half = Math.floor(LINES.length / 2);
  writeFileSync(live, LINES.slice(0, half).join("\n") + "\n");
  const store = new MemoryStateStore();
  const logs: string[] = [];
  const logger = createLogger({ level: "info", write: (line) => void logs.push(line) });
  const configFor = (follow: boolean) => {
    const { config, problems } = checkConfig({
      source: { type: "file", path: live, follow },
      sink: { type: "none" },
      http: { enabled: false },
      runner: { workers: 2 },
      stream: { scales: [{ size: 24, slide: 3 }], maxDim: 1 },
    });
    assert.deepEqual(problems, []);
    return { ...config!, store: null };
  };
  const first = new CollectingSink();
  const running = await startPipeline(configFor(true), { logger, store, sinks: [first] });
  await waitFor("outputs of the first half", () => first.records.length > 10, 60_000);
  appendFileSync(live, LINES.slice(half).join("\n") + "\n");
  const before = first.records.length;
  await waitFor("progress into the second half", () => first.records.length > before + 10, 60_000);
  await running.stop();
  assert.equal(running.runner.state, "stopped");

  const second = new CollectingSink();
  const resumed = await startPipeline(configFor(false), { logger, store, sinks: [second] });
  await resumed.done;
  assert.ok(logs.some((line) => line.includes('"msg":"restored checkpoint"')), "the second pipeline restored the first one's checkpoint");
  assert.ok(second.records.length > 0 && second.records.length < ref.outputs.length, `the second run resumed (${second.records.length} outputs)`);
  matchesReference(ref, live, [...first.records, ...second.records], true);
});

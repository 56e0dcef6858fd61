/**
 * The delivery protocol on each state store. With the SQLite store, in real child
 * processes: SIGKILL mid-stream then a restart gives, together, the outputs of an
 * uninterrupted run (repeats only with the same id), and SIGTERM exits 0 within 10 s with a
 * checkpoint at the end of what was read. The in-memory store (`--store none`) cannot
 * survive its process, so it is restarted within one: a pipeline stopped mid-stream and a
 * new one started on the same store resume, with the same outputs together.
 *
 * Every wait ends on a signal from the pipeline (a log line, an output, an exit), and a
 * failure reports what each child printed and the state the test saw.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** A child running the `run` command, and what it has said so far. */
interface Child {
  label: string;
  args: string[];
  child: ChildProcess;
  exit: Promise<Exit>;
  /** Its exit, once it has exited (stderr read to the end). */
  exited: Exit | undefined;
  stderr: string;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts `run ARGS` with debug logs, so that each checkpoint it commits is a line on stderr. */
function start(label: string, args: string[]): Child {
  const child = spawn(process.execPath, ["--input-type=module", "-e", RUN, "--", ...args], {
    cwd: new URL("..", import.meta.url).pathname,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, LOG_LEVEL: "debug" },
  });
  const run: Child = { label, args, child, exit: undefined as never, exited: undefined, stderr: "" };
  child.stderr!.on("data", (d) => (run.stderr += d));
  // "close", not "exit": stderr is complete then, so a failure can show all of it.
  run.exit = new Promise<Exit>((resolve) => child.on("close", (code, signal) => resolve((run.exited = { code, signal }))));
  return run;
}

/** The child's JSON log lines with this `msg`. */
function logs(run: Child, msg: string): Array<Record<string, unknown>> {
  const found: Array<Record<string, unknown>> = [];
  for (const line of run.stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === msg) found.push(entry);
    } catch {
      /* a line still being written */
    }
  }
  return found;
}

/** Byte offsets of the checkpoints the child has committed (the runner logs each after its transaction). */
function checkpointOffsets(run: Child): number[] {
  return logs(run, "checkpoint").map((entry) => (entry.position as { offset?: number } | undefined)?.offset ?? 0);
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

/**
 * Waits until `probe` gives a value, for as long as the child (if any) runs: a child that
 * exits first fails the wait at once, with its exit. The deadline only bounds a hang.
 */
async function waitFor<T>(what: string, probe: () => T | undefined | false, run?: Child, ms = 90_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (run?.exited) throw new Error(`${run.label} exited (${describeExit(run.exited)}) before ${what}`);
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** `err` with `report` after its message, in the stack too (the runner prints the stack, made with the first message). */
function withReport(err: unknown, report: string): unknown {
  if (!(err instanceof Error)) return err;
  const original = err.message;
  err.message += `\n${report}`;
  if (err.stack?.includes(original)) err.stack = err.stack.replace(original, err.message);
  return err;
}

/**
 * Runs a test body; if it fails, the error also tells what each child said (its stderr,
 * last lines) and how it ended, and the state the test saw, so that one failure in many
 * runs can be understood from its log alone.
 */
async function explained(children: Child[], seen: Record<string, unknown>, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    const report = children.map((run) => {
      const tail = run.stderr.trimEnd().split("\n").slice(-40).join("\n");
      const state = run.exited ? describeExit(run.exited) : "still running";
      return `--- ${run.label} (${state}): run ${run.args.join(" ")}\n${tail || "(no stderr)"}`;
    });
    throw withReport(err, `state seen: ${JSON.stringify(seen)}\n${report.join("\n")}`);
  } finally {
    for (const run of children) if (!run.exited) run.child.kill("SIGKILL");
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
    const run = start("reference run", ["--source", `file:${input}`, "--sink", `file:${join(dir, "ref.jsonl")}`, "--store", join(dir, "ref.db"), ...COMMON]);
    const seen: Record<string, unknown> = {};
    let outputs: Array<Record<string, unknown>> = [];
    await explained([run], seen, async () => {
      seen.exit = await run.exit;
      assert.equal(run.exited?.code, 0, "the reference run exits 0");
      outputs = readOutputs(join(dir, "ref.jsonl"));
      seen.outputs = outputs.length;
      assert.ok(outputs.filter((r) => r.type === "window").length > 100, "the reference run produced windows");
    });
    return { input, outputs };
  })();
  return reference;
}

/**
 * Runs the input in two parts: the first run follows a file that grows while it works and
 * is stopped by `signal` mid-stream; the second runs from its checkpoint to the end. Their
 * outputs together must be the reference's, repeats only with the same id. The file's last
 * quarter is written only after the stop, so the stop always lands before the end, however
 * fast the first run went through what it was given.
 */
async function interruptedMatchesReference(signal: "SIGKILL" | "SIGTERM"): Promise<void> {
  const ref = await referenceRun();
  const dir = mkdtempSync(join(tmpdir(), `stda-${signal}-`));
  const live = join(dir, "live.jsonl");
  const half = Math.floor(LINES.length / 2);
  const threeQuarters = Math.floor((3 * LINES.length) / 4);
  writeFileSync(live, LINES.slice(0, half).join("\n") + "\n");
  const store = join(dir, "state.db");
  const out1 = join(dir, "out1.jsonl");
  const out2 = join(dir, "out2.jsonl");
  const children: Child[] = [];
  const seen: Record<string, unknown> = { signal, firstHalfBytes: statSync(live).size };
  await explained(children, seen, async () => {
    const first = start("first run", ["--source", `file:${live}`, "--follow", "--sink", `file:${out1}`, "--store", store, ...COMMON]);
    children.push(first);
    seen.firstCheckpoint = await waitFor("a first checkpoint past byte 0", () => checkpointOffsets(first).find((offset) => offset > 0), first);
    appendFileSync(live, LINES.slice(half, threeQuarters).join("\n") + "\n");
    const sizeAtSignal = (seen.sizeAtSignal = statSync(live).size);
    const before = (seen.outputsBeforeAppend = readOutputs(out1).length);
    await waitFor("progress into the third quarter (10 more outputs)", () => readOutputs(out1).length > before + 10, first);
    seen.outputsAtSignal = readOutputs(out1).length;
    first.child.kill(signal);
    const firstExit = (seen.firstExit = await first.exit);
    seen.firstCheckpoints = checkpointOffsets(first);
    if (signal === "SIGKILL") assert.equal(firstExit.signal, "SIGKILL");
    // SIGTERM finishes the batches the shards had started (512 lines each), which may already be the whole rest.
    else assert.equal(firstExit.code, 0, "the first run exits 0 on SIGTERM");
    if (signal === "SIGTERM") assert.equal(logs(first, "stop: queued batches left for the next run").length, 1, "the stop cut the queued batches");
    appendFileSync(live, LINES.slice(threeQuarters).join("\n") + "\n");

    const second = start("second run", ["--source", `file:${live}`, "--sink", `file:${out2}`, "--store", store, ...COMMON]);
    children.push(second);
    seen.secondExit = await second.exit;
    assert.equal(second.exited?.code, 0, "the second run exits 0");
    const restored = logs(second, "restored checkpoint")[0]?.position as { offset: number } | undefined;
    seen.restoredAt = restored;
    assert.ok(restored !== undefined && restored.offset > 0, "the second run restored a checkpoint");
    assert.ok(restored.offset <= sizeAtSignal, `the checkpoint (at byte ${restored.offset}) holds only what the file had when stopped (${sizeAtSignal} bytes)`);

    seen.outputs = { first: readOutputs(out1).length, second: readOutputs(out2).length, reference: ref.outputs.length };
    matchesReference(ref, live, [...readOutputs(out1), ...readOutputs(out2)], signal === "SIGTERM");
  });
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
  const ids = new Set<string>();
  for (const r of combined) {
    const id = identity(r);
    assert.equal(text(r), byId.get(id), `output ${id} is the reference's, byte for byte`);
    ids.add(id);
  }
  assert.deepEqual([...byId.keys()].filter((id) => !ids.has(id)), [], "nothing of the reference is missing");
  if (noRepeats) assert.equal(combined.length, ref.outputs.length, "a clean stop repeats nothing");
}

test("SIGKILL mid-stream, restart: both runs' outputs together equal an uninterrupted run's", { timeout: 240_000 }, () =>
  interruptedMatchesReference("SIGKILL"));

test("SIGTERM mid-stream, restart: the same, and nothing repeated", { timeout: 240_000 }, () => interruptedMatchesReference("SIGTERM"));

test("SIGTERM stops intake, checkpoints and exits 0 within 10 s", { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-term-"));
  const input = join(dir, "events.jsonl");
  // The last line is not an event: its dead letter, written after every output of the lines
  // before it (outputs reach the sinks in input order), says the whole file was processed.
  const lines = [...eventLines(3, 120), "end of input"];
  writeFileSync(input, lines.join("\n") + "\n");
  const size = statSync(input).size;
  const out = join(dir, "out.jsonl");
  const children: Child[] = [];
  const seen: Record<string, unknown> = { size };
  await explained(children, seen, async () => {
    // No periodic checkpoint within the test: the one it checks is the one taken on the way out.
    const args = ["--source", `file:${input}`, "--follow", "--sink", `file:${out}`, "--store", join(dir, "state.db"), ...COMMON.slice(0, -2), "--checkpoint-interval", "3600000"];
    const run = start("followed run", args);
    children.push(run);
    await waitFor(
      `the dead letter of line ${lines.length}, the last`,
      () => readOutputs(out).some((r) => r.type === "dead_letter" && (r.source as { line?: number }).line === lines.length),
      run,
    );
    seen.outputsAtSignal = readOutputs(out).length;
    assert.deepEqual(checkpointOffsets(run), [], "no checkpoint before the stop");
    const sent = Date.now();
    run.child.kill("SIGTERM");
    seen.exit = await run.exit;
    const took = (seen.tookMs = Date.now() - sent);
    assert.equal(run.exited?.code, 0, "exits 0 on SIGTERM");
    assert.ok(took < 10_000, `exited after ${took} ms`);
    seen.checkpoints = checkpointOffsets(run);
    assert.deepEqual(checkpointOffsets(run), [size], "one checkpoint, on the way out, at the end of the file");
    assert.equal(logs(run, "pipeline finished")[0]?.stopped, true, "the pipeline says it was stopped");
  });
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

test("memory store, restarted in the same process: a stop mid-stream and a new pipeline on the store give the uninterrupted outputs", { timeout: 240_000 }, async () => {
  const ref = await referenceRun();
  const dir = mkdtempSync(join(tmpdir(), "stda-memory-"));
  const live = join(dir, "live.jsonl");
  const half = Math.floor(LINES.length / 2);
  const threeQuarters = Math.floor((3 * LINES.length) / 4);
  writeFileSync(live, LINES.slice(0, half).join("\n") + "\n");
  const store = new MemoryStateStore();
  const lines: string[] = [];
  const logger = createLogger({ level: "info", write: (line) => void lines.push(line) });
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
  const second = new CollectingSink();
  const seen: Record<string, unknown> = {};
  try {
    const running = await startPipeline(configFor(true), { logger, store, sinks: [first] });
    await waitFor("outputs of the first half", () => first.records.length > 10);
    // As with the child processes, the last quarter comes after the stop, so the stop lands before the end.
    appendFileSync(live, LINES.slice(half, threeQuarters).join("\n") + "\n");
    const before = (seen.outputsBeforeAppend = first.records.length);
    await waitFor("progress into the third quarter", () => first.records.length > before + 10);
    await running.stop();
    seen.outputsAtStop = first.records.length;
    assert.equal(running.runner.state, "stopped");
    appendFileSync(live, LINES.slice(threeQuarters).join("\n") + "\n");

    const resumed = await startPipeline(configFor(false), { logger, store, sinks: [second] });
    await resumed.done;
    seen.secondOutputs = second.records.length;
    assert.ok(lines.some((line) => line.includes('"msg":"restored checkpoint"')), "the second pipeline restored the first one's checkpoint");
    assert.ok(second.records.length > 0 && second.records.length < ref.outputs.length, `the second run resumed (${second.records.length} outputs)`);
    matchesReference(ref, live, [...first.records, ...second.records], true);
  } catch (err) {
    throw withReport(err, `state seen: ${JSON.stringify(seen)}\nlog:\n${lines.slice(-40).join("")}`);
  }
});

/**
 * npm run bench:keys [-- --keys=1000000] [-- --quick]
 *
 * Memory against the number of distinct keys, as a user meets it: one event for each of N
 * distinct keys in a file, through `streaming-tda run --source file:… --store … --port none
 * --sink none` with the default config (2 worker threads, stream.maxKeys 10,000, window 128
 * slide 8), measured by GNU time as a whole process (peak RSS, workers included).
 *
 * Runs 1,000 keys (the process with next to no state: the base), 30,000, 300,000 and N
 * (1,000,000 by default; --quick stops at 300,000), and prints for each the peak RSS, the
 * events/s and the most keys a checkpoint held in memory; then the ratio of 300,000 keys'
 * peak to 30,000's (at most 1.3 is the target), and every peak against the bound the
 * settings give: the base plus maxKeys times one key's memory once its windows are full
 * (measured by bench/keys/per-key.ts in its own process). The last line is one JSON object.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { option, round } from "./lib/figures.ts";
import { runMeasured } from "./lib/measure.ts";
import { checkConfig } from "../src/service/config/config.ts";

const root = new URL("..", import.meta.url).pathname;
const quick = process.argv.includes("--quick");
const most = Number(option("keys") ?? 1_000_000);
const counts = [1_000, 30_000, 300_000, ...(quick ? [] : [most])].filter((n, i, all) => all.indexOf(n) === i);
const defaults = checkConfig({}).config;
if (!defaults) throw new Error("the default config does not check");
const maxKeys = defaults.stream.maxKeys ?? 10_000;
const dir = mkdtempSync(join(tmpdir(), "stda-bench-keys-"));

/** One event for each of `n` keys, 3-d points: about 55 bytes a line. */
function writeEvents(n: number): string {
  const path = join(dir, `keys-${n}.jsonl`);
  const fd = openSync(path, "w");
  let chunk = "";
  for (let i = 0; i < n; i++) {
    chunk += `{"key":"key-${i}","ts":${1_700_000_000_000 + i},"value":[${(i % 97) / 10},${(i * 7) % 89 / 10},1]}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = "";
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  return path;
}

interface KeysRun {
  keys: number;
  peakMb: number;
  seconds: number;
  eventsPerSecond: number;
  /** Most keys in memory at any checkpoint (from the debug log). */
  liveKeysMax: number;
}

function measure(n: number): KeysRun {
  const input = writeEvents(n);
  const store = join(dir, `state-${n}.db`);
  const run = runMeasured(
    process.execPath,
    [join(root, "bin/streaming-tda.js"), "run", "--source", `file:${input}`, "--store", store, "--port", "none", "--sink", "none"],
    undefined,
    { ...process.env, LOG_LEVEL: "debug" },
  );
  let received = -1;
  let liveKeysMax = 0;
  for (const line of run.stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { msg: string; keys?: number; received?: number };
    if (entry.msg === "checkpoint" && typeof entry.keys === "number") liveKeysMax = Math.max(liveKeysMax, entry.keys);
    if (entry.msg === "pipeline finished" && typeof entry.received === "number") received = entry.received;
  }
  if (received !== n) throw new Error(`${n} keys: the run received ${received} events, not ${n}`);
  rmSync(input);
  for (const suffix of ["", "-wal", "-shm", ".lock"]) rmSync(store + suffix, { force: true });
  return { keys: n, peakMb: run.peakMb, seconds: run.seconds, eventsPerSecond: n / run.seconds, liveKeysMax };
}

function perKey(): { bytesPerKey: number; heapBytesPerKey: number; rssBytesPerKey: number } {
  const r = spawnSync(process.execPath, ["--expose-gc", join(root, "bench/keys/per-key.ts")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`bench/keys/per-key.ts exited with ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

console.log(`bench:keys — one event per distinct key, default config (maxKeys ${maxKeys.toLocaleString("en")}, 2 workers), --store on disk, --port none${quick ? ", --quick" : ""}`);
const runs: KeysRun[] = [];
for (const n of counts) {
  const r = measure(n);
  runs.push(r);
  console.log(`  ${n.toLocaleString("en").padStart(9)} keys: peak RSS ${round(r.peakMb).toLocaleString("en").padStart(5)} MB, ${round(r.eventsPerSecond).toLocaleString("en").padStart(6)} events/s, at most ${r.liveKeysMax.toLocaleString("en")} keys in memory at a checkpoint`);
}
const one = perKey();
const base = runs[0].peakMb;
const boundMb = base + (maxKeys * one.bytesPerKey) / (1 << 20);
const at = (n: number) => runs.find((r) => r.keys === n)!;
const ratio = at(300_000).peakMb / at(30_000).peakMb;
console.log(`  one key with full windows (300 points): ${round(one.bytesPerKey / 1024)} KB (heap ${round(one.heapBytesPerKey / 1024)} KB, RSS ${round(one.rssBytesPerKey / 1024)} KB)`);
console.log(`  bound: base ${round(base)} MB (1,000 keys) + maxKeys ${maxKeys.toLocaleString("en")} × ${round(one.bytesPerKey / 1024)} KB = ${round(boundMb).toLocaleString("en")} MB`);
console.log(`  300,000 keys against 30,000: ${round(ratio, 2)}× (target ≤ 1.3: ${ratio <= 1.3 ? "met" : "NOT met"})`);
for (const r of runs.slice(1)) {
  console.log(`  ${r.keys.toLocaleString("en").padStart(9)} keys: ${round(r.peakMb).toLocaleString("en")} MB of the bound's ${round(boundMb).toLocaleString("en")} MB (${round((100 * r.peakMb) / boundMb)}%)${r.peakMb <= boundMb ? "" : " — OVER THE BOUND"}`);
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  maxKeys,
  runs: runs.map((r) => ({ keys: r.keys, peakMb: round(r.peakMb), eventsPerSecond: round(r.eventsPerSecond), liveKeysMax: r.liveKeysMax })),
  ratio300kTo30k: round(ratio, 3),
  bytesPerFullKey: one.bytesPerKey,
  baseMb: round(base),
  boundMb: round(boundMb),
}));

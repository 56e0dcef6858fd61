import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileSink } from "../src/adapters/sinks/file-sink.ts";
import { FileSource } from "../src/adapters/sources/file-source.ts";
import { HttpSource } from "../src/adapters/sources/http-source.ts";
import { LineSplitter } from "../src/adapters/sources/line-splitter.ts";
import type { SourcePosition, SourceRecord } from "../src/adapters/types.ts";
import { windowResult } from "./helpers/state-store-contract.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "stda-adapters-"));

async function collect(source: FileSource, from?: SourcePosition): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const batch of source.batches(from)) out.push(...batch);
  return out;
}

test("line splitter: offsets after each line, CRLF, blank lines, a last line without newline", () => {
  const s = new LineSplitter();
  const seen: Array<[string, number, number]> = [];
  const on = (t: string, l: number, o: number) => seen.push([t, l, o]);
  s.push(Buffer.from("ab\r\n\nc"), on);
  s.push(Buffer.from("d\né"), on);
  s.flush(on);
  assert.deepEqual(seen, [
    ["ab", 1, 4],
    ["cd", 3, 8],
    ["é", 4, 10],
  ]);
});

test("file source: JSON lines with positions; resuming from a position skips what came before", async () => {
  const dir = tmp();
  const path = join(dir, "e.jsonl");
  writeFileSync(path, '{"key":"a","ts":1,"value":1}\n{"key":"b","ts":2,"value":2}\n\n{"key":"c","ts":3,"value":3}\n');
  const all = await collect(new FileSource({ path, batchSize: 2 }));
  assert.deepEqual(all.map((r) => r.raw), ['{"key":"a","ts":1,"value":1}', '{"key":"b","ts":2,"value":2}', '{"key":"c","ts":3,"value":3}']);
  assert.deepEqual(all.map((r) => r.source), [
    { kind: "file", path, line: 1, offset: 0 },
    { kind: "file", path, line: 2, offset: 29 },
    { kind: "file", path, line: 4, offset: 59 },
  ]);
  const rest = await collect(new FileSource({ path }), all[0].position);
  assert.deepEqual(rest.map((r) => r.raw), all.slice(1).map((r) => r.raw));
  assert.equal((rest[1].source as { line: number }).line, 4);
});

test("file source: CSV skips its header and marks the format", async () => {
  const path = join(tmp(), "e.csv");
  writeFileSync(path, "key,ts,x,y\na,1,0.5,0.25\nb,2,1,2\n");
  const all = await collect(new FileSource({ path }));
  assert.deepEqual(all.map((r) => [r.raw, r.format]), [["a,1,0.5,0.25", "csv"], ["b,2,1,2", "csv"]]);
});

test("file source: follow picks up appended lines; pause holds reading back", async () => {
  const path = join(tmp(), "f.jsonl");
  writeFileSync(path, "1\n");
  const source = new FileSource({ path, follow: true, followPollMs: 10 });
  const it = source.batches(undefined)[Symbol.asyncIterator]();
  assert.deepEqual((await it.next()).value!.map((r: SourceRecord) => r.raw), ["1"]);
  source.pause();
  appendFileSync(path, "2\n");
  const next = it.next();
  const raced = await Promise.race([next, new Promise((r) => setTimeout(() => r("waiting"), 100))]);
  assert.equal(raced, "waiting");
  source.resume();
  assert.deepEqual((await next).value!.map((r: SourceRecord) => r.raw), ["2"]);
  await source.close();
  await it.return?.();
});

test("http source: bounded queue refuses a whole request with 429, pause with 503", async () => {
  const source = new HttpSource({ capacity: 5, batchSize: 3 });
  assert.deepEqual(source.offer(["a", "b", "c"], "auto"), { ok: true, accepted: 3 });
  const full = source.offer(["d", "e", "f"], "auto");
  assert.equal(full.ok, false);
  assert.equal(!full.ok && full.status, 429);
  assert.ok(!full.ok && full.retryAfterSeconds > 0);
  assert.equal(source.depth, 3);
  source.pause();
  const paused = source.offer(["d"], "auto");
  assert.equal(!paused.ok && paused.status, 503);
  source.resume();
  const it = source.batches(undefined)[Symbol.asyncIterator]();
  const first = (await it.next()).value as SourceRecord[];
  assert.deepEqual(first.map((r) => r.raw), ["a", "b", "c"]);
  assert.deepEqual(first[2].source, { kind: "http", requestId: "req-1", index: 2 });
  assert.equal(source.depth, 0);
  assert.deepEqual(source.offer(["x", "y", "z", "w", "v"], "auto"), { ok: true, accepted: 5 });
  await source.close();
  assert.equal(((await it.next()).value as SourceRecord[]).length, 3);
  assert.equal(((await it.next()).value as SourceRecord[]).length, 2);
  assert.equal((await it.next()).done, true);
});

test("file sink appends JSON lines", async () => {
  const path = join(tmp(), "sub", "o.jsonl");
  const sink = new FileSink(path);
  await sink.write([windowResult("a", 1, 2)]);
  await sink.write([windowResult("b", 1, 2)]);
  await sink.close();
  const { readFileSync } = await import("node:fs");
  const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l).key);
  assert.deepEqual(lines, ["a", "b"]);
});

test("demo source: the generator's lines, endless rounds, resumable by position", async () => {
  const { DemoSource } = await import("../src/adapters/demo/demo-source.ts");
  const take = async (source: InstanceType<typeof DemoSource>, from?: SourcePosition) => {
    const out: SourceRecord[] = [];
    for await (const batch of source.batches(from)) out.push(...batch);
    return out;
  };
  // 4 keys × 5 events per round: the limit of 60 spans three rounds.
  const all = await take(new DemoSource({ keys: 4, rate: 0, limit: 60, eventsPerKey: 5, batchSize: 7 }));
  assert.ok(all.length === 60);
  assert.deepEqual(all.map((r) => r.position), Array.from({ length: 60 }, (_, i) => i + 1));
  const ts = all.map((r) => (typeof r.raw === "string" && r.raw.startsWith("{") ? /"ts":(\d+)/.exec(r.raw)?.[1] : undefined)).filter(Boolean).map(Number);
  assert.ok(ts.every((t, i) => i === 0 || t >= ts[i - 1]), "event times keep increasing across rounds");
  const rest = await take(new DemoSource({ keys: 4, rate: 0, limit: 60, eventsPerKey: 5 }), 25);
  assert.deepEqual(rest.map((r) => r.raw), all.slice(25).map((r) => r.raw));
  // Paced: about `rate` events per second.
  const paced = new DemoSource({ keys: 4, rate: 500 });
  const t0 = performance.now();
  let n = 0;
  for await (const batch of paced.batches(undefined)) {
    n += batch.length;
    if (performance.now() - t0 > 400) break;
  }
  assert.ok(n > 100 && n < 300, `${n} events in 0.4 s at 500/s`);
});

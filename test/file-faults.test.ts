/**
 * Faults of files that would lose data without a word: dead-letter offsets that must point
 * at the bytes of the line, a file replaced under a checkpoint, a sink line torn by a kill.
 */
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { FileSink } from "../src/adapters/sinks/file-sink.ts";
import { FilePositionError, FileSource } from "../src/adapters/sources/file-source.ts";
import type { SourcePosition, SourceRecord } from "../src/adapters/types.ts";
import { StreamProcessor } from "../src/stream/processor.ts";
import type { SourceRef } from "../src/adapters/types.ts";
import type { DeadLetter, OutputRecord } from "../src/stream/types.ts";

type FileRef = Extract<SourceRef, { kind: "file" }>;

const tmp = () => mkdtempSync(join(tmpdir(), "stda-file-faults-"));

async function collect(source: FileSource, from?: SourcePosition): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const batch of source.batches(from)) out.push(...batch);
  return out;
}

const event = (key: string, ts: number) => JSON.stringify({ key, ts, value: [ts, 1, 2] });

test("dead letters point at the first byte of their line, after invalid UTF-8 and with CRLF", async () => {
  const path = join(tmp(), "mixed.jsonl");
  const lines: Buffer[] = [
    Buffer.from(event("a", 1) + "\r\n"),
    Buffer.concat([Buffer.from('{"key":"'), Buffer.from([0xff, 0xfe, 0xe9]), Buffer.from('" not json\r\n')]),
    Buffer.from("\r\n"),
    Buffer.concat([Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from(" still not json\r\n")]),
    Buffer.from(event("b", 2) + "\n"),
    Buffer.from('{"key":"c","ts":"late"}\r\n'),
    Buffer.from("no newline at the end, é"),
  ];
  const bytes = Buffer.concat(lines);
  writeFileSync(path, bytes);
  const starts: number[] = [];
  let at = 0;
  for (const line of lines) {
    starts.push(at);
    at += line.length;
  }

  const records = await collect(new FileSource({ path, batchSize: 2 }));
  const processor = new StreamProcessor({ scales: [{ size: 4, slide: 1 }] });
  const letters: DeadLetter[] = [];
  for (const record of records) {
    for (const out of processor.ingest(record) as OutputRecord[]) if (out.type === "dead_letter") letters.push(out);
  }
  assert.deepEqual(letters.map((l) => (l.source as FileRef).line), [2, 4, 6, 7]);
  for (const letter of letters) {
    const { line, offset } = letter.source as Required<FileRef>;
    assert.equal(offset, starts[line - 1], `line ${line}: offset`);
    // The bytes at the offset are the line's own, up to its ending.
    const own = lines[line - 1];
    const body = own.subarray(0, own.length - (own.at(-1) === 10 ? (own.at(-2) === 13 ? 2 : 1) : 0));
    assert.deepEqual(bytes.subarray(offset, offset + body.length), body, `line ${line}: bytes at the offset`);
  }
  // Every record, not only dead letters, carries its line's start; positions are the next line's.
  for (const record of records) {
    const { line, offset } = record.source as { line: number; offset: number };
    assert.equal(offset, starts[line - 1]);
    assert.equal((record.position as { offset: number }).offset, line < lines.length ? starts[line] : bytes.length);
  }
});

test("a checkpoint on a file refuses another file at its path: rotated, rewritten, or cut short", async () => {
  const dir = tmp();
  const path = join(dir, "events.jsonl");
  writeFileSync(path, [event("a", 1), event("a", 2), event("a", 3)].join("\n") + "\n");
  const first = await collect(new FileSource({ path }));
  const checkpoint = first[1].position;
  assert.deepEqual(Object.keys(checkpoint as object).sort(), ["file", "line", "offset"]);

  // The same file, grown: resumes after the checkpoint.
  appendFileSync(path, event("a", 4) + "\n");
  const resumed = await collect(new FileSource({ path }), checkpoint);
  assert.deepEqual(resumed.map((r) => JSON.parse(r.raw as string).ts), [3, 4]);

  // Rotated: the old file moved away and a new, longer one in its place.
  renameSync(path, join(dir, "events.jsonl.1"));
  writeFileSync(path, [event("b", 1), event("b", 2), event("b", 3), event("b", 4)].join("\n") + "\n");
  await assert.rejects(collect(new FileSource({ path }), checkpoint), (err: Error) => {
    assert.ok(err instanceof FilePositionError);
    assert.match(err.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not the file the checkpoint was taken on \\(inode \\d+, not \\d+\\)`));
    assert.match(err.message, /move the store aside/);
    return true;
  });

  // Rewritten in place (same inode, other first bytes), and longer than the checkpoint's offset.
  const sameInode = join(dir, "inplace.jsonl");
  writeFileSync(sameInode, [event("c", 1), event("c", 2)].join("\n") + "\n");
  const before = (await collect(new FileSource({ path: sameInode })))[0].position;
  writeFileSync(sameInode, [event("d", 10), event("d", 20), event("d", 30)].join("\n") + "\n");
  await assert.rejects(collect(new FileSource({ path: sameInode }), before), /is not the file the checkpoint was taken on \(its first \d+ bytes differ\)/);

  // Cut short below the checkpoint's offset.
  writeFileSync(sameInode, "{}\n");
  await assert.rejects(collect(new FileSource({ path: sameInode }), before), /beyond the end of the file \(3 bytes\)/);

  // A missing file is named.
  await assert.rejects(collect(new FileSource({ path: join(dir, "missing.jsonl") })), /source file .*missing\.jsonl: cannot open it: no such file or directory \(ENOENT\)/);
});

test("a file sink reopened after a torn write cuts back to its last complete line", async () => {
  const dir = tmp();
  const path = join(dir, "out.jsonl");
  writeFileSync(path, '{"a":1}\n{"a":2}\n{"a":3, "tor');
  const cut: number[] = [];
  const sink = new FileSink(path, { onTornLine: (n) => cut.push(n) });
  await sink.write([{ type: "dead_letter", reason: "parse_error", detail: "x", raw: "y", source: { kind: "stdin", line: 1 } } as OutputRecord]);
  await sink.close();
  assert.deepEqual(cut, [12]);
  const lines = readFileSync(path, "utf8").split("\n");
  assert.deepEqual(lines.slice(0, 2), ['{"a":1}', '{"a":2}']);
  assert.equal(JSON.parse(lines[2]).type, "dead_letter");
  assert.equal(lines[3], "");

  // A whole file of one torn line (no newline at all, longer than one read) is emptied; a whole one is left alone.
  const torn = join(dir, "torn.jsonl");
  writeFileSync(torn, "x".repeat(200_000));
  await new FileSink(torn).ready();
  assert.equal(readFileSync(torn, "utf8"), "");
  const whole = join(dir, "whole.jsonl");
  writeFileSync(whole, '{"a":1}\n');
  const untouched: number[] = [];
  const again = new FileSink(whole, { onTornLine: (n) => untouched.push(n) });
  await again.ready();
  await again.close();
  assert.deepEqual(untouched, []);
  assert.equal(readFileSync(whole, "utf8"), '{"a":1}\n');

  // A path that cannot be a file is named.
  await assert.rejects(new FileSink(join(dir, "out.jsonl", "x.jsonl")).ready(), /sink file .*out\.jsonl\/x\.jsonl: cannot create its directory .*out\.jsonl: file already exists/);
  await assert.rejects(new FileSink(dir).ready(), /sink file .*: cannot open it for appending: .*EISDIR/);
});

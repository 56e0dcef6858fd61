/**
 * Events and validation: every kind of broken event becomes a dead letter with the right
 * reason, raw input and source; the pipeline goes on; and the counts add up.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { StreamProcessor } from "../src/stream/processor.ts";
import { demoData, BROKEN_KINDS, type BrokenKind } from "../src/adapters/demo/generator.ts";
import type { DeadLetter, DeadLetterReason, OutputRecord, StreamCounts } from "../src/stream/types.ts";

function assertCountsAddUp(counts: StreamCounts, where: string): void {
  assert.equal(counts.received, counts.processed + counts.deadLettered + counts.dropped + counts.buffered, `${where}: ${JSON.stringify(counts)}`);
}

/** The reason each broken kind of the generator must get. */
const EXPECTED: Record<BrokenKind, DeadLetterReason[]> = {
  bad_json: ["parse_error", "bad_type"],
  missing_field: ["missing_field"],
  not_finite: ["not_finite"],
  wrong_dimension: ["dimension_mismatch"],
  out_of_range: ["out_of_range"],
  oversize: ["too_large"],
};

for (const format of ["json", "csv"] as const) {
  test(`${format} lines: every broken kind is dead-lettered with its reason, the rest processed, counts add up`, () => {
    const data = demoData({ eventsPerKey: 300, changingKeys: 2, stableKeys: 2, brokenRate: 0.05, format });
    const processor = new StreamProcessor({ scales: [{ size: 32, slide: 16 }], maxDim: 1 });
    const broken = new Map<number, BrokenKind>();
    const kinds = new Set<BrokenKind>();
    let letters = 0;
    let windows = 0;
    for (const event of data.events) {
      if (event.broken !== null) {
        broken.set(event.index, event.broken);
        kinds.add(event.broken);
      }
      const source = { kind: "file" as const, path: "demo.jsonl", line: event.index + 1 };
      for (const out of processor.ingest({ raw: event.line, source })) {
        if (out.type === "window") windows++;
        if (out.type !== "dead_letter") continue;
        letters++;
        const letter = out as DeadLetter;
        assert.equal(letter.source.kind, "file");
        const index = Number(letter.source.line) - 1;
        const kind = broken.get(index);
        assert.ok(kind !== undefined, `line ${index + 1} was valid but got dead-lettered: ${letter.reason} ${letter.detail}`);
        assert.ok(EXPECTED[kind].includes(letter.reason), `${kind} on line ${index + 1} got reason ${letter.reason} (${letter.detail})`);
        assert.ok(letter.detail.length > 0);
        assert.equal(typeof letter.raw, "string");
        assert.ok((letter.raw as string).length <= 65536, "raw is cut to the size limit");
      }
    }
    const counts = processor.counts();
    assertCountsAddUp(counts, format);
    assert.deepEqual([...kinds].sort(), [...BROKEN_KINDS].sort(), "the generator made broken events of every kind");
    assert.equal(letters, broken.size, "every broken event, and only those, became a dead letter");
    assert.equal(counts.deadLettered, broken.size);
    assert.equal(counts.processed, data.events.length - broken.size);
    assert.ok(windows > 0);
    const share = broken.size / data.events.length;
    assert.ok(share > 0.02 && share < 0.08, `broken share ${share}`);
  });
}

test("parsed values (an HTTP JSON array's elements) are checked like lines", () => {
  const processor = new StreamProcessor({ scales: [{ size: 4, slide: 1 }], limits: { minValue: -10, maxValue: 10, maxKeyLength: 8, maxDimension: 4 } });
  const cases: Array<[unknown, DeadLetterReason | null]> = [
    [{ key: "a", ts: 1, value: [0, 1] }, null],
    [{ key: "a", ts: 2, value: [0, 1, 2] }, "dimension_mismatch"],
    [{ key: "a", ts: 3, value: 5 }, "dimension_mismatch"],
    [{ key: "a", ts: 4, value: [0, 11] }, "out_of_range"],
    [{ key: "a", ts: 5, value: [0, null] }, "not_finite"],
    [{ key: "a", ts: 6, value: [0, "1"] }, "bad_type"],
    [{ key: "a", ts: "7", value: [0, 1] }, "bad_type"],
    [{ key: 7, ts: 7, value: [0, 1] }, "bad_type"],
    [{ key: "a", value: [0, 1] }, "missing_field"],
    [{ ts: 8, value: [0, 1] }, "missing_field"],
    [{ key: "a", ts: 8 }, "missing_field"],
    [{ key: "a-very-long-key", ts: 8, value: [0, 1] }, "key_too_long"],
    [{ key: "a", ts: 8, value: [0, 1, 2, 3, 4] }, "too_large"],
    [{ key: "a", ts: Infinity, value: [0, 1] }, "not_finite"],
    [[1, 2, 3], "parse_error"],
    ["not json at all", "missing_field"],
    ["{\"key\": \"a\", \"ts\": 9, \"value\": [0, 1", "parse_error"],
    ["", "parse_error"],
    [{ key: "a", ts: 9, value: [0, 2] }, null],
  ];
  cases.forEach(([raw, reason], i) => {
    const outs: OutputRecord[] = processor.ingest({ raw, source: { kind: "http", requestId: "r1", index: i } });
    const letter = outs.find((o) => o.type === "dead_letter") as DeadLetter | undefined;
    assert.equal(letter?.reason ?? null, reason, `case ${i} ${JSON.stringify(raw)}: ${letter?.detail}`);
    if (letter !== undefined) assert.deepEqual(letter.source, { kind: "http", requestId: "r1", index: i });
  });
  assertCountsAddUp(processor.counts(), "parsed");
  assert.equal(processor.counts().processed, 2);
});

test("scalar streams: samples are embedded; vectors are rejected when an embedding is set", () => {
  const processor = new StreamProcessor({ scales: [{ size: 5, slide: 5 }], embedding: { dimension: 3, delay: 2 }, maxDim: 0 });
  const outs: OutputRecord[] = [];
  for (let t = 0; t < 9; t++) outs.push(...processor.ingest({ raw: `s,${t},${t * t}`, source: { kind: "stdin", line: t + 1 } }));
  outs.push(...processor.ingest({ raw: { key: "s", ts: 10, value: [1, 2, 3] }, source: { kind: "stdin", line: 10 } }));
  // Span (3−1)·2+1 = 5 samples: the first point is sample 4's, so 5 points end at sample 8.
  const windows = outs.filter((o) => o.type === "window");
  assert.equal(windows.length, 1);
  const window = windows[0];
  assert.equal(window.type === "window" && window.firstSeq, 4);
  assert.equal(window.type === "window" && window.lastSeq, 8);
  // Points (x[t], x[t-2], x[t-4]) with x = t²: consecutive points differ by (2t+1, 2t-3, 2t-7); the H0 deaths are those lengths.
  const deaths = (window.type === "window" ? window.diagrams["0"] : []).map(([, d]) => d).filter((d) => d !== null).map((d) => Math.round(d as number));
  const expected = [5, 6, 7, 8].map((t) => Math.round(Math.fround(Math.hypot(2 * t - 1, 2 * t - 5, 2 * t - 9))));
  assert.deepEqual(deaths.sort((a, b) => a - b), expected);
  assert.equal(outs.filter((o) => o.type === "dead_letter").length, 1);
  assertCountsAddUp(processor.counts(), "scalar");
});

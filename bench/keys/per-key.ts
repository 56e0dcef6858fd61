/**
 * One key's memory once its windows are full, at the default stream settings (window 128,
 * slide 8, H0+H1): the state a live key keeps (points, slot complex, recent diagrams,
 * detector history, tracked features). Keys are fed 300 points each, so each holds as many
 * recent windows as it ever will. Run with --expose-gc; prints one JSON object.
 */
import { StreamProcessor } from "../../src/stream/processor.ts";
import type { RawRecord } from "../../src/stream/types.ts";
import { checkConfig } from "../../src/service/config/config.ts";

const KEYS = 300;
const POINTS = 300;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("bench/keys/per-key.ts needs node --expose-gc");

const defaults = checkConfig({}).config;
if (!defaults) throw new Error("the default config does not check");
const processor = new StreamProcessor({ ...defaults.stream, maxKeys: KEYS + 1 });
const feed = (key: string, salt: number) => {
  for (let i = 0; i < POINTS; i++) {
    const t = i * 2.399 + salt;
    const record: RawRecord = { raw: JSON.stringify({ key, ts: i, value: [Math.cos(t), Math.sin(t), (i * 7) % 3] }), format: "json", source: { kind: "stdin", line: i + 1 } };
    processor.ingest(record);
  }
};
// The scratch shared by every key of a window size is made by the first key: not counted.
feed("warm-up", 0);
const used = () => {
  gc();
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.external + m.arrayBuffers, rss: m.rss };
};
const before = used();
for (let k = 0; k < KEYS; k++) feed(`k${k}`, k);
const after = used();
const snapshot = processor.snapshot();
console.log(JSON.stringify({
  keys: KEYS,
  pointsPerKey: POINTS,
  bytesPerKey: Math.round(Math.max(after.js - before.js, after.rss - before.rss) / KEYS),
  heapBytesPerKey: Math.round((after.js - before.js) / KEYS),
  rssBytesPerKey: Math.round((after.rss - before.rss) / KEYS),
  stateJsonBytesPerKey: Math.round(JSON.stringify(snapshot.keys).length / (KEYS + 1)),
}));

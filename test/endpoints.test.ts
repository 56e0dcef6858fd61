import assert from "node:assert/strict";
import test from "node:test";
import { parseSinkEndpoint, parseSourceEndpoint } from "../src/adapters/endpoints.ts";

test("source endpoints: each form parses into its adapter and the one thing it needs", () => {
  assert.deepEqual(parseSourceEndpoint("file:events.jsonl"), { endpoint: { type: "file", path: "events.jsonl" } });
  // Only the first colon separates: paths and topics may hold more.
  assert.deepEqual(parseSourceEndpoint("file:/data/a:b.csv"), { endpoint: { type: "file", path: "/data/a:b.csv" } });
  assert.deepEqual(parseSourceEndpoint("kafka:events.v2"), { endpoint: { type: "kafka", topic: "events.v2" } });
  for (const type of ["stdin", "http", "demo"] as const) assert.deepEqual(parseSourceEndpoint(type), { endpoint: { type } });
});

test("source endpoints: a missing path or topic, a stray path and an unknown kind each name the problem", () => {
  assert.deepEqual(parseSourceEndpoint("file:"), { problem: "file:PATH needs a path, like file:events.jsonl" });
  assert.deepEqual(parseSourceEndpoint("kafka"), { problem: "kafka:TOPIC needs a topic, like kafka:events" });
  assert.deepEqual(parseSourceEndpoint("stdin:x"), { problem: "stdin takes no path" });
  assert.deepEqual(parseSourceEndpoint("ftp:x"), { problem: "ftp:x: expected file:PATH, stdin, http, demo or kafka:TOPIC" });
});

test("sink endpoints parse, and name their problems", () => {
  assert.deepEqual(parseSinkEndpoint("file:out.jsonl"), { endpoint: { type: "file", path: "out.jsonl" } });
  for (const type of ["stdout", "kafka", "none"] as const) assert.deepEqual(parseSinkEndpoint(type), { endpoint: { type } });
  assert.deepEqual(parseSinkEndpoint("file"), { problem: "file:PATH needs a path, like file:results.jsonl" });
  assert.deepEqual(parseSinkEndpoint("none:x"), { problem: "none takes no path" });
  assert.deepEqual(parseSinkEndpoint("s3"), { problem: "s3: expected stdout, file:PATH, kafka or none" });
});

/**
 * The page's live updates over real HTTP: server-sent events resume after a reconnect from
 * Last-Event-ID with exactly what was missed, polling serves the same batches, and
 * health and pipeline information are there for the page.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startService, type ServiceProcess } from "./helpers/service-process.ts";

let service: ServiceProcess;

interface Batch {
  seq: number;
  gap: boolean;
  statuses: Array<{ key: string; windows: number; lastSeq: number }>;
  results: Array<{ id: string; key: string; lastSeq: number; projection?: number[] }>;
  features: unknown[];
  health?: { state: string };
}

async function post(key: string, from: number, n: number): Promise<void> {
  const batch = Array.from({ length: n }, (_, i) => ({ key, ts: 1000 + from + i, value: [Math.cos(from + i), Math.sin(from + i), 0.1 * i] }));
  const res = await fetch(service.url + "events", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch) });
  assert.equal(res.status, 202, await res.text());
}

async function poll(query: string): Promise<Batch> {
  const res = await fetch(`${service.url}api/live/poll?${query}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Batch;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; service log:\n${service.log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the event stream and reads its first `update` event (id and batch), then closes it. */
async function firstUpdate(query: string, headers: Record<string, string> = {}): Promise<{ id: number; batch: Batch }> {
  const controller = new AbortController();
  const res = await fetch(`${service.url}api/live?${query}`, { headers, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before an update; it sent: ${text}`);
      text += value;
      const m = /(?:^|\n\n)id: (\d+)\nevent: update\ndata: (.*)\n\n/.exec(text);
      if (m) return { id: Number(m[1]), batch: JSON.parse(m[2]) as Batch };
    }
  } finally {
    controller.abort();
  }
}

before(async () => {
  service = await startService("run", {
    source: { type: "http" },
    sink: { type: "none" },
    stream: { scales: [{ size: 4, slide: 1 }], maxDim: 1, projection: true },
  });
});

after(async () => {
  await service?.stop();
});

test("a reconnect with Last-Event-ID gets exactly the results it missed, then polling agrees", async () => {
  await post("a", 0, 20);
  await post("b", 0, 8);
  await until("17 windows of a and 5 of b", async () => {
    const all = await poll("since=0&key=a");
    return all.results.length === 17 && all.statuses.some((st) => st.key === "b" && st.windows === 5);
  });

  const first = await firstUpdate("key=a&since=0");
  assert.equal(first.id, first.batch.seq);
  assert.deepEqual(first.batch.results.map((r) => r.lastSeq), Array.from({ length: 17 }, (_, i) => i + 3));
  assert.ok(first.batch.results.every((r) => r.key === "a"), "only the watched key's results");
  assert.deepEqual(first.batch.statuses.map((s) => [s.key, s.windows]).sort(), [["a", 17], ["b", 5]]);
  assert.equal(first.batch.results[0].projection?.length, 8, "four points, two coordinates each");
  assert.equal(first.batch.health?.state, "running");

  // Disconnected: ten more windows of a, three of b.
  await post("a", 20, 10);
  await post("b", 8, 3);
  await until("27 windows of a and 8 of b", async () => {
    const all = await poll("since=0&key=a");
    return all.results.length === 27 && all.statuses.some((st) => st.key === "b" && st.windows === 8);
  });

  const resumed = await firstUpdate("key=a", { "last-event-id": String(first.id) });
  assert.equal(resumed.batch.gap, false);
  assert.deepEqual(resumed.batch.results.map((r) => r.lastSeq), Array.from({ length: 10 }, (_, i) => i + 20));
  assert.deepEqual(resumed.batch.statuses.map((s) => [s.key, s.windows]).sort(), [["a", 27], ["b", 8]]);

  // The polling fallback: the same positions, the same answer.
  const polled = await poll(`since=${first.id}&key=a`);
  assert.deepEqual(polled.results.map((r) => r.id), resumed.batch.results.map((r) => r.id));
  assert.deepEqual((await poll(`since=${polled.seq}&key=a`)).results, [], "nothing new since the latest position");
});

test("a position the feed does not know (after a restart) is reported as a gap with every status", async () => {
  const batch = await poll("since=999999999&key=a");
  assert.equal(batch.gap, true);
  assert.ok(batch.statuses.some((s) => s.key === "a"));
});

test("/api/info and /api/health describe the pipeline for the page", async () => {
  const info = await (await fetch(service.url + "api/info")).json();
  assert.deepEqual(info, { detectorThreshold: 8, scales: ["4/1"], maxDim: 1, projection: true });
  const health = (await (await fetch(service.url + "api/health")).json()) as Record<string, unknown>;
  for (const field of ["state", "paused", "eventsPerSecond", "latencyP50Ms", "latencyP99Ms", "deadLetters", "checkpoints", "kafkaLag"]) {
    assert.ok(field in health, `health has ${field}`);
  }
  assert.equal(health.kafkaLag, null, "no Kafka, no lag");
});

/**
 * Every metric that a Grafana panel or an alert rule queries is one the service exports: a
 * real `streaming-tda run` is started and its /metrics read. Metrics that only a Kafka source
 * registers are listed apart and checked to be absent without Kafka.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { alertRules, DASHBOARDS, dashboard, root } from "./helpers/deploy.ts";
import { exportedSampleNames, metricNames } from "./helpers/promql.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";

const NDJSON = { "content-type": "application/x-ndjson" };

/** Set per topic and partition by the Kafka source only (test/kafka.test.ts reads it with a broker). */
const KAFKA_ONLY = new Set(["kafka_consumer_lag"]);

function queried(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  const add = (expr: string, place: string) => {
    for (const name of metricNames(expr)) where.set(name, [...(where.get(name) ?? []), place]);
  };
  for (const rule of alertRules()) add(rule.expr, `alerts.yml ${rule.alert}`);
  for (const path of DASHBOARDS) {
    for (const panel of dashboard(path).panels) for (const t of panel.targets ?? []) add(t.expr, `${path} "${panel.title}"`);
  }
  return where;
}

let exposition = "";
const dir = mkdtempSync(join(tmpdir(), "metrics-"));
let stop: () => Promise<void> = async () => undefined;

before(async () => {
  const config = join(dir, "pipeline.yaml");
  writeFileSync(
    config,
    [
      "source: { type: http }",
      "sink: { type: none }",
      `store: { path: ${JSON.stringify(join(dir, "state.db"))}, checkpointIntervalMs: 100 }`,
      "http: { host: 127.0.0.1, port: 0, queueCapacity: 4000 }",
      "runner: { workers: 1 }",
      "stream: { scales: [{ size: 32, slide: 4 }], maxDim: 1 }",
    ].join("\n"),
  );
  const child = spawn(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), "run", "--config", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (d) => (log += d));
  const exited = new Promise((resolve) => child.on("exit", resolve));
  stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
  };
  let port: number | undefined;
  for (let i = 0; i < 200 && port === undefined; i++) {
    const m = /"msg":"http listening"[^\n]*"port":(\d+)/.exec(log);
    if (m) port = Number(m[1]);
    else await sleep(50);
  }
  assert.ok(port, `the service did not report its port: ${log}`);
  const url = `http://127.0.0.1:${port}`;
  // Noisy circles for 8 keys with a broken line in every hundred, then one request larger
  // than the queue, so that every labelled series (dead letters, refusals) has a value.
  const random = seededRandom(5);
  for (let round = 0; round < 3; round++) {
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = random() * 2 * Math.PI;
      lines.push(i % 100 === 7 ? "{not json" : JSON.stringify({ key: `k${i % 8}`, ts: round * 1000 + i, value: [Math.cos(t), Math.sin(t), random() * 0.1] }));
    }
    for (let tries = 0; tries < 100; tries++) {
      const res = await fetch(`${url}/events`, { method: "POST", headers: NDJSON, body: lines.join("\n") });
      await res.arrayBuffer();
      if (res.status === 202) break;
      await sleep(50);
    }
  }
  const tooLarge = await fetch(`${url}/events`, { method: "POST", headers: NDJSON, body: Array.from({ length: 5000 }, () => '{"key":"k","ts":1,"value":[1,2]}').join("\n") });
  assert.equal(tooLarge.status, 413);
  // Until windows, dead letters, checkpoints and a garbage collection have all been seen.
  const wanted = ["streaming_tda_window_compute_seconds_bucket", "streaming_tda_events_failed_total", "nodejs_gc_duration_seconds_sum", "streaming_tda_checkpoint_seconds_count"];
  for (let i = 0; i < 100; i++) {
    exposition = await (await fetch(`${url}/metrics`)).text();
    const names = exportedSampleNames(exposition);
    if (wanted.every((w) => names.has(w)) && /streaming_tda_windows_total [1-9]/.test(exposition)) break;
    await sleep(100);
  }
});

after(async () => {
  await stop();
});

test("the dashboards and rules query metrics (the extraction finds them)", () => {
  const names = queried();
  for (const expected of ["streaming_tda_events_processed_total", "streaming_tda_latency_p99", "process_resident_memory_bytes", "nodejs_gc_duration_seconds_sum", "kafka_consumer_lag"]) {
    assert.ok(names.has(expected), `${expected} not found among ${[...names.keys()].join(", ")}`);
  }
  assert.deepEqual(metricNames('sum by (le, scale) (rate(a_b_bucket{job="x"}[5m])) / on (job) b > 1e9 unless c offset 5m'), ["a_b_bucket", "b", "c"]);
});

test("the dashboards hold the runbook's panels, each with a query", () => {
  const wanted: Record<string, RegExp[]> = {
    "deploy/grafana/overview.json": [/throughput/i, /latency p50 \/ p90 \/ p99/i, /error rate/i, /^CPU$/, /^Memory$/, /Kafka consumer lag/i],
    "deploy/grafana/performance.json": [/compute time by window size/i, /windows per second/i, /memory by component/i, /GC pauses/i, /worker utilisation/i],
  };
  for (const path of DASHBOARDS) {
    const d = dashboard(path);
    assert.equal(d.uid, `streaming-tda-${path.match(/(\w+)\.json$/)![1]}`);
    for (const title of wanted[path]) assert.ok(d.panels.some((p) => title.test(p.title)), `${path}: no panel ${title}`);
    for (const p of d.panels) assert.ok((p.targets ?? []).length > 0 && p.targets!.every((t) => t.expr), `${path}: "${p.title}" has no query`);
  }
});

test("every metric a panel or a rule queries is exported by a running service", () => {
  const exported = exportedSampleNames(exposition);
  const missing = [...queried()].filter(([name]) => !KAFKA_ONLY.has(name) && !exported.has(name));
  assert.deepEqual(missing, [], `queried but not exported:\n${missing.map(([n, w]) => `${n} (${w.join("; ")})`).join("\n")}`);
});

test("the Kafka-only metrics are registered by the service, with samples only once a Kafka source sets them", () => {
  const exported = exportedSampleNames(exposition);
  assert.ok(exported.size > 20, "the exposition was read");
  for (const name of KAFKA_ONLY) {
    // Registered (HELP and TYPE are exported): the name the rules and panels query is the one the code sets.
    assert.match(exposition, new RegExp(`^# TYPE ${name} gauge$`, "m"), `${name} is not registered`);
    assert.ok(!exported.has(name), `${name} has samples without Kafka: remove it from KAFKA_ONLY`);
  }
});

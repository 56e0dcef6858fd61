/**
 * npm run bench:kafka [-- --quick]
 *
 * The pipeline on a real Kafka broker (4.4, one KRaft node) with its state in Redis, both
 * started here by scripts/stack/ and stopped at the end, with the S2 workload: the demo
 * generator's 64 keys of 3-d points, windows of 128 points sliding by 8, H0+H1. Each
 * instance is a process of its own (testkit/scale-out-instance.ts); a producer process
 * (bench/kafka/producer.ts) writes the events to a topic of 6 partitions, stamping each
 * event's time with the moment it is sent.
 *
 * For one instance (2 worker threads) and for two instances in one group (1 worker thread
 * each: the machine's cores are shared by everything here):
 *   - sustained events/s: a backlog produced as fast as the broker takes it, processed end
 *     to end (consumed, computed, results acknowledged by Kafka and Redis), measured between
 *     20% and 90% of it;
 *   - p99 latency from produce to result, paced at 70% of that rate: a consumer of the
 *     results topic takes each window result's arrival minus its end time (the send time
 *     of the event that completed it), after a warm-up;
 *   - peak consumer lag during the paced run (the instances' kafka_consumer_lag, summed).
 * S3 is left out: the archive only queues on the hot path.
 * --quick keeps it under two minutes. The last line is one JSON object.
 */
import { fork, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Admin, Consumer } from "@platformatic/kafka";
import type { InstanceReport } from "../testkit/scale-out-instance.ts";
import { startLocalStack } from "../scripts/stack/servers.ts";
import { round } from "./lib/figures.ts";

const quick = process.argv.includes("--quick");
const t = quick ? { backlog: 60_000, pacedSeconds: 12, warmSeconds: 3 } : { backlog: 200_000, pacedSeconds: 40, warmSeconds: 5 };
const PACE = 0.7;
const PARTITIONS = 6;
const here = new URL(".", import.meta.url).pathname;

interface Scenario {
  eventsPerSecond: number;
  p99Ms: number;
  p50Ms: number;
  maxLag: number;
  pacedRate: number;
  latencyWindows: number;
}

function spawn(script: string, args: string[]): ChildProcess {
  return fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

function produce(brokers: string, topic: string, rate: number, count: number): Promise<number> {
  const child = spawn(`${here}kafka/producer.ts`, [brokers, topic, String(rate), String(count)]);
  return new Promise((resolve, reject) => {
    child.on("message", (m: { done?: boolean; seconds?: number }) => {
      if (m.done) resolve(m.seconds!);
    });
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`producer exited with ${code}`))));
  });
}

async function scenario(brokers: string, redisUrl: string, instances: number, tag: string): Promise<Scenario> {
  const topic = `bench-events-${tag}`;
  const admin = new Admin({ clientId: "bench-admin", bootstrapBrokers: [brokers] });
  await admin.createTopics({ topics: [topic], partitions: PARTITIONS, replicas: 1 });
  await admin.close();
  // The config a user would write (the runbook's Kafka defaults), with the bench's names.
  const resultsTopic = `bench-results-${tag}`;
  const options = {
    source: { type: "kafka", topic },
    sink: { type: "kafka" },
    store: { path: redisUrl, checkpointIntervalMs: 5000 },
    kafka: { brokers: [brokers], groupId: `bench-${tag}`, resultsTopic, featuresTopic: `bench-features-${tag}`, deadLetterTopic: `bench-dead-letters-${tag}` },
    redis: { prefix: `bench-${tag}` },
    http: { enabled: false },
    runner: { workers: instances === 1 ? 2 : 1, maxInFlight: 2048, batchSize: 256 },
    stream: { scales: [{ size: 128, slide: 8 }], maxDim: 1 },
  };
  const reports: Array<InstanceReport | undefined> = [];
  const children = Array.from({ length: instances }, (_, i) => {
    const child = spawn(new URL("../testkit/scale-out-instance.ts", import.meta.url).pathname, [JSON.stringify(options)]);
    child.on("message", (m: { report?: InstanceReport }) => {
      if (m.report) reports[i] = m.report;
    });
    return child;
  });
  const total = () => reports.reduce((s, r) => s + (r?.processed ?? 0), 0);
  const lag = () => reports.reduce((s, r) => s + (r?.lag ?? 0), 0);
  const spread = () => reports.filter((r) => (r?.partitions.length ?? 0) > 0).reduce((s, r) => s + r!.partitions.length, 0);
  const deadline = performance.now() + 120_000;
  while (spread() < PARTITIONS && performance.now() < deadline) await sleep(100);
  if (spread() < PARTITIONS) throw new Error(`the instances did not take the ${PARTITIONS} partitions within two minutes`);

  // Saturated: a backlog as fast as the broker takes it; the rate between 20% and 90% of it.
  const producing = produce(brokers, topic, 0, t.backlog);
  let from: [number, number] | undefined;
  let to: [number, number] | undefined;
  const satDeadline = performance.now() + 300_000;
  while (performance.now() < satDeadline) {
    const n = total();
    if (!from && n >= t.backlog * 0.2) from = [performance.now(), n];
    if (n >= t.backlog * 0.9) {
      to = [performance.now(), n];
      break;
    }
    await sleep(50);
  }
  await producing;
  if (!from || !to) throw new Error("the backlog was not processed within five minutes");
  const eventsPerSecond = ((to[1] - from[1]) / (to[0] - from[0])) * 1000;
  while (lag() > 0 && performance.now() < satDeadline) await sleep(100);

  // Paced at 70%: latency from produce to result, and the peak lag.
  const rate = Math.max(100, Math.round(eventsPerSecond * PACE));
  const latencies: number[] = [];
  const reader = new Consumer({ clientId: "bench-results", groupId: `bench-reader-${tag}`, bootstrapBrokers: [brokers], autocommit: false, maxWaitTime: 100, minBytes: 1 });
  const stream = await reader.consume({ topics: [resultsTopic], mode: "latest" });
  let measuring = false;
  stream.on("data", (m) => {
    if (!measuring) return;
    const end = JSON.parse(m.value.toString()).end as number;
    latencies.push(Date.now() - end);
  });
  const paced = produce(brokers, topic, rate, rate * (t.pacedSeconds + t.warmSeconds));
  await sleep(t.warmSeconds * 1000);
  measuring = true;
  let maxLag = 0;
  const lagTimer = setInterval(() => (maxLag = Math.max(maxLag, lag())), 250);
  await paced;
  await sleep(1000);
  measuring = false;
  clearInterval(lagTimer);
  await stream.close();
  await reader.close(true);

  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once("exit", resolve)))));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]);
  return { eventsPerSecond, p99Ms: q(0.99), p50Ms: q(0.5), maxLag, pacedRate: rate, latencyWindows: latencies.length };
}

const started = performance.now();
console.log(`bench:kafka — S2 (window 128, slide 8, H0+H1), 64 keys, topic of ${PARTITIONS} partitions, state in Redis${quick ? ", --quick" : ""}`);
const stack = await startLocalStack(["kafka", "redis"]);
const out: Record<string, unknown> = {};
try {
  const tag = Date.now().toString(36);
  for (const [name, n] of [["oneInstance", 1], ["twoInstances", 2]] as const) {
    const s = await scenario(stack.kafka!.address, stack.redis!.address, n, `${tag}-${n}`);
    out[name] = { eventsPerSecond: round(s.eventsPerSecond), p99Ms: round(s.p99Ms, 1), maxLag: s.maxLag };
    console.log(
      `${n === 1 ? "one instance (2 workers)" : "two instances (1 worker each)"}: ${round(s.eventsPerSecond)} events/s sustained; ` +
        `at ${s.pacedRate} events/s: latency produce→result p50 ${round(s.p50Ms, 1)} ms, p99 ${round(s.p99Ms, 1)} ms (${s.latencyWindows} results), peak lag ${s.maxLag}`,
    );
  }
  const one = out.oneInstance as { eventsPerSecond: number };
  const two = out.twoInstances as { eventsPerSecond: number };
  console.log(`scaling: two instances / one = ${round(two.eventsPerSecond / one.eventsPerSecond, 2)} (both on the same 2 cores); ${round((performance.now() - started) / 1000)} s in all`);
} finally {
  await stack.stop();
}
console.log(JSON.stringify(out));

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
 * each: the machine's cores are shared by everything here), once every instance holds its
 * partitions:
 *   - sustained events/s: a backlog produced as fast as the broker takes it, processed end
 *     to end (consumed, computed, results acknowledged by Kafka and Redis), measured from
 *     when the producer has finished (it would otherwise share the cores) and 20% of the
 *     backlog is processed, to 90% of it; with the CPU time the instances spent per event
 *     meanwhile, in all and on their main threads (Kafka, Redis, the runner) alone;
 *   - p99 latency from produce to result, paced at 70% of that rate (sends of 10 ms of
 *     events, as a producer lingering 10 ms makes): a consumer of the results topic takes
 *     each window result's arrival minus its end time (the send time of the event that
 *     completed it), after a warm-up; with the instances' own p99, from a record's arrival
 *     to its results acknowledged, which leaves out the hops through the broker;
 *   - peak consumer lag over the same steady state (the instances' kafka_consumer_lag, summed).
 * S3 is left out: the archive only queues on the hot path.
 * --quick keeps it under two minutes. --paced-rate=N paces the latency phase at N events/s
 * instead of 70% of the sustained rate (latency and lag at a load of one's choosing);
 * --checkpoint-ms=N sets the instances' checkpoint interval (default 5000); --only=1 or
 * --only=2 runs one of the two scenarios. The last line is one JSON object.
 */
import { fork, type ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Admin, Consumer } from "@platformatic/kafka";
import type { InstanceReport } from "../testkit/scale-out-instance.ts";
import { startLocalStack } from "../scripts/stack/servers.ts";
import { integerOption, option, round } from "./lib/figures.ts";

const quick = process.argv.includes("--quick");
const t = quick ? { backlog: 80_000, pacedSeconds: 12, warmSeconds: 3 } : { backlog: 200_000, pacedSeconds: 40, warmSeconds: 5 };
const PACE = 0.7;
const pacedRate = integerOption("bench:kafka", "paced-rate", 1, "events per second");
const checkpointMs = integerOption("bench:kafka", "checkpoint-ms", 100, "milliseconds", 5000);
const only = option("only");
if (only !== undefined && only !== "1" && only !== "2") {
  console.error(`bench:kafka: --only: expected 1 (one instance) or 2 (two instances), got ${JSON.stringify(only)}`);
  process.exit(2);
}
const PARTITIONS = 6;
const here = new URL(".", import.meta.url).pathname;

interface Scenario {
  eventsPerSecond: number;
  /** CPU microseconds per event while saturated: every thread of the instances, and their main threads. */
  cpuPerEventUs: number;
  mainCpuPerEventUs: number;
  p99Ms: number;
  p50Ms: number;
  /** The instances' own p99 (the largest of them): arrival to results acknowledged. */
  instanceP99Ms: number;
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
    store: { path: redisUrl, checkpointIntervalMs: checkpointMs },
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
  const cpu = () => ({ all: reports.reduce((s, r) => s + (r?.cpuAllUs ?? 0), 0), main: reports.reduce((s, r) => s + (r?.cpuMainUs ?? 0), 0) });
  // Every instance holds partitions, and all 6 are held: the group has settled.
  const settled = () => {
    const held = Array.from({ length: instances }, (_, i) => reports[i]?.partitions.length ?? 0);
    return held.every((n) => n > 0) && held.reduce((s, n) => s + n, 0) === PARTITIONS;
  };
  const deadline = performance.now() + 120_000;
  while (!settled() && performance.now() < deadline) await sleep(100);
  if (!settled()) throw new Error(`the ${instances} instance(s) did not share the ${PARTITIONS} partitions within two minutes`);

  // Saturated: a backlog as fast as the broker takes it; the rate from when the producer is
  // done (and 20% is processed) to 90% of it.
  let produced = false;
  const producing = produce(brokers, topic, 0, t.backlog).then((seconds) => {
    produced = true;
    return seconds;
  });
  let from: { at: number; n: number; cpu: { all: number; main: number } } | undefined;
  let to: typeof from;
  const satDeadline = performance.now() + 300_000;
  while (performance.now() < satDeadline) {
    const n = total();
    if (!from && produced && n >= t.backlog * 0.2) from = { at: performance.now(), n, cpu: cpu() };
    if (n >= t.backlog * 0.9) {
      to = { at: performance.now(), n, cpu: cpu() };
      break;
    }
    await sleep(50);
  }
  await producing;
  if (!from || !to) throw new Error("the backlog was not processed within five minutes, or the producer was still sending at 90% of it");
  const eventsPerSecond = ((to.n - from.n) / (to.at - from.at)) * 1000;
  const cpuPerEventUs = (to.cpu.all - from.cpu.all) / (to.n - from.n);
  const mainCpuPerEventUs = (to.cpu.main - from.cpu.main) / (to.n - from.n);
  while (lag() > 0 && performance.now() < satDeadline) await sleep(100);

  // Paced at 70%: latency from produce to result, and the peak lag.
  const rate = pacedRate ?? Math.max(100, Math.round(eventsPerSecond * PACE));
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
  for (const child of children) child.send({ resetLatencies: true });
  let maxLag = 0;
  const lagTimer = setInterval(() => (maxLag = Math.max(maxLag, lag())), 250);
  await paced;
  await sleep(1000);
  measuring = false;
  clearInterval(lagTimer);
  const instanceP99Ms = Math.max(...reports.map((r) => r?.p99Ms ?? NaN));
  await stream.close();
  await reader.close(true);

  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once("exit", resolve)))));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]);
  return { eventsPerSecond, cpuPerEventUs, mainCpuPerEventUs, p99Ms: q(0.99), p50Ms: q(0.5), instanceP99Ms, maxLag, pacedRate: rate, latencyWindows: latencies.length };
}

const started = performance.now();
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (${cpus().length} cores)`);
console.log(`bench:kafka — S2 (window 128, slide 8, H0+H1), 64 keys, topic of ${PARTITIONS} partitions, state in Redis${quick ? ", --quick" : ""}`);
const stack = await startLocalStack(["kafka", "redis"]);
const out: Record<string, unknown> = {};
try {
  const tag = Date.now().toString(36);
  for (const [name, n] of ([["oneInstance", 1], ["twoInstances", 2]] as const).filter(([, n]) => only === undefined || Number(only) === n)) {
    const s = await scenario(stack.kafka!.address, stack.redis!.address, n, `${tag}-${n}`);
    out[name] = { eventsPerSecond: round(s.eventsPerSecond), p99Ms: round(s.p99Ms, 1), maxLag: s.maxLag };
    console.log(
      `${n === 1 ? "one instance (2 workers)" : "two instances (1 worker each)"}: ${round(s.eventsPerSecond)} events/s sustained ` +
        `(CPU ${round(s.cpuPerEventUs)} µs per event, main thread ${round(s.mainCpuPerEventUs)} µs); ` +
        `at ${s.pacedRate} events/s: latency produce→result p50 ${round(s.p50Ms, 1)} ms, p99 ${round(s.p99Ms, 1)} ms (${s.latencyWindows} results; ` +
        `arrival→acknowledged p99 ${round(s.instanceP99Ms, 1)} ms), peak lag ${s.maxLag}`,
    );
  }
  const one = out.oneInstance as { eventsPerSecond: number } | undefined;
  const two = out.twoInstances as { eventsPerSecond: number } | undefined;
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  if (one && two) console.log(`scaling: two instances / one = ${round(two.eventsPerSecond / one.eventsPerSecond, 2)} (both on the same 2 cores)`);
  console.log(`${round((performance.now() - started) / 1000)} s in all`);
} finally {
  await stack.stop();
}
console.log(JSON.stringify(out));

/**
 * Two instances in one consumer group on a topic of 6 partitions, each in its own process;
 * one is killed with SIGKILL mid-stream. The survivor takes over the partitions, restores
 * their state from Redis, and the combined output equals the embedded pipeline's on the
 * same input, with repeats only with the same ids and contents. The survivor's partition-level
 * metrics follow the takeover: lag for every partition it now holds (and back to 0), its
 * assigned partitions and rebalances, and a processed counter that went on from where it
 * was (restored partitions add to it, nothing is counted twice or reset).
 */
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { after, test } from "node:test";
import type { InstanceReport } from "../testkit/scale-out-instance.ts";
import { createTopic, produce, readTopic, resultsOnTopic, testKafkaSettings } from "./helpers/kafka.ts";
import { circleEvents, embeddedResults, metricSample, SCALE_OUT_STREAM, waitFor, windowsById } from "./helpers/scale-out.ts";
import { useServers } from "./helpers/servers.ts";

const stack = await useServers("kafka", "redis");
const brokers = stack.kafka!.address;
const instanceScript = new URL("../testkit/scale-out-instance.ts", import.meta.url).pathname;

interface Instance {
  child: ChildProcess;
  last: InstanceReport | undefined;
  /** Processed counts as reported, in order. */
  processed: number[];
  ready: Promise<void>;
}

function spawnInstance(options: Record<string, unknown>): Instance {
  const child = fork(instanceScript, [JSON.stringify(options)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const instance: Instance = { child, last: undefined, processed: [], ready: Promise.resolve() };
  instance.ready = new Promise((resolve, reject) => {
    child.on("message", (m: { ready?: boolean; report?: InstanceReport }) => {
      if (m.ready) resolve();
      if (m.report) {
        instance.last = m.report;
        instance.processed.push(m.report.processed);
      }
    });
    child.once("exit", (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
  });
  return instance;
}

function metricsOf(instance: Instance): Promise<{ metricsText: string; processed: number }> {
  return new Promise((resolve) => {
    const listen = (m: { metricsText?: string; processed?: number }) => {
      if (m.metricsText === undefined) return;
      instance.child.off("message", listen);
      resolve({ metricsText: m.metricsText, processed: m.processed! });
    };
    instance.child.on("message", listen);
    instance.child.send({ metrics: true });
  });
}

test("two instances, one killed with SIGKILL mid-stream: the survivor takes over; output equals one uninterrupted run", { timeout: 300_000 }, async () => {
  const kafka = testKafkaSettings(brokers);
  await createTopic(brokers, kafka.topic, 6);
  const events = circleEvents(12, 200, 3);
  const expected = windowsById(await embeddedResults(events));
  // The config a user would write: Kafka in and out, state in Redis.
  const options = {
    source: { type: "kafka", topic: kafka.topic },
    sink: { type: "kafka" },
    store: { path: stack.redis!.address, checkpointIntervalMs: 300 },
    kafka: {
      brokers: kafka.brokers,
      groupId: kafka.groupId,
      resultsTopic: kafka.resultsTopic,
      featuresTopic: kafka.featuresTopic,
      deadLetterTopic: kafka.deadLetterTopic,
      fetchMinBytes: 1,
    },
    redis: { prefix: `failover-${process.pid}` },
    http: { enabled: false },
    runner: { workers: 0, maxInFlight: 2000, batchSize: 100 },
    stream: SCALE_OUT_STREAM,
  };
  const cut1 = Math.floor(events.length * 0.4);
  const cut2 = Math.floor(events.length * 0.7);
  await produce(brokers, kafka.topic, events.slice(0, cut1));

  const a = spawnInstance(options);
  await a.ready;
  const b = spawnInstance(options);
  await b.ready;
  await waitFor("the partitions shared by both", () => a.last?.partitions.length === 3 && b.last?.partitions.length === 3, 90_000);
  await produce(brokers, kafka.topic, events.slice(cut1, cut2));
  await readTopic(brokers, kafka.resultsTopic!, Math.floor(expected.size * 0.5), 120_000);

  const beforeKill = b.processed.length;
  a.child.kill("SIGKILL");
  await produce(brokers, kafka.topic, events.slice(cut2));
  await waitFor("the survivor to hold every partition", () => b.last?.partitions.length === 6, 120_000);
  const got = await resultsOnTopic(brokers, kafka, expected, 120_000);
  assert.equal(got.size, expected.size);
  assert.deepEqual([...got].sort(), [...expected].sort(), "every result of one uninterrupted run, none other, repeats identical");

  // The survivor's metrics after the takeover, once everything is processed.
  const before = b.processed.filter((_, i) => i < beforeKill);
  // Lag is measured every second: wait for a measurement over the 6 partitions, all drained.
  const lagOf = (text: string) =>
    [...text.matchAll(/^kafka_consumer_lag\{topic="([^"]+)",partition="(\d+)"\} (\S+)$/gm)].map((m) => [m[1], Number(m[2]), Number(m[3])]).sort((x, y) => Number(x[1]) - Number(y[1]));
  const drained = [0, 1, 2, 3, 4, 5].map((p) => [kafka.topic, p, 0]);
  let metricsText = "";
  let processed = 0;
  await waitFor("the survivor's lag measured on all 6 partitions, back to 0", async () => {
    ({ metricsText, processed } = await metricsOf(b));
    return JSON.stringify(lagOf(metricsText)) === JSON.stringify(drained);
  }, 60_000);
  assert.deepEqual(lagOf(metricsText), drained, "lag for each of the 6 partitions, the 3 taken over included");
  assert.match(metricsText, /^streaming_tda_kafka_assigned_partitions 6$/m);
  assert.ok(metricSample(metricsText, "streaming_tda_kafka_rebalances_total") >= 1, "the takeover counted as a rebalance");
  assert.ok(metricSample(metricsText, 'streaming_tda_kafka_commits_total{result="ok"}') >= 1);
  assert.equal(metricSample(metricsText, "streaming_tda_events_processed_total"), processed, "the processed counter equals the survivor's counts over all its runners");
  for (let i = 1; i < b.processed.length; i++) assert.ok(b.processed[i] >= b.processed[i - 1], "the survivor's processed count never went back");
  assert.ok(processed > Math.max(...before), "the partitions taken over added to the survivor's count");
  assert.ok(b.last!.generations >= 2, "the survivor started a runner for the new assignment");

  b.child.kill("SIGTERM");
  await new Promise((resolve) => b.child.once("exit", resolve));
});

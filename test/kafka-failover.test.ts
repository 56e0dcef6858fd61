/**
 * Two instances in one consumer group on a topic of 6 partitions, each in its own process;
 * one is killed with SIGKILL mid-stream. The survivor takes over the partitions, restores
 * their state from Redis, and the combined output equals the embedded pipeline's on the
 * same input, with repeats only with the same ids and contents.
 */
import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { after, test } from "node:test";
import type { InstanceReport } from "../testkit/scale-out-instance.ts";
import { createTopic, produce, readTopic, resultsOnTopic, testKafkaSettings } from "./helpers/kafka.ts";
import { circleEvents, embeddedResults, SCALE_OUT_STREAM, waitFor, windowsById } from "./helpers/scale-out.ts";
import { useServers } from "./helpers/servers.ts";

const stack = await useServers("kafka", "redis");
const brokers = stack.kafka!.address;
const instanceScript = new URL("../testkit/scale-out-instance.ts", import.meta.url).pathname;

interface Instance {
  child: ChildProcess;
  last: InstanceReport | undefined;
  ready: Promise<void>;
}

function spawnInstance(options: Record<string, unknown>): Instance {
  const child = fork(instanceScript, [JSON.stringify(options)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const instance: Instance = { child, last: undefined, ready: Promise.resolve() };
  instance.ready = new Promise((resolve, reject) => {
    child.on("message", (m: { ready?: boolean; report?: InstanceReport }) => {
      if (m.ready) resolve();
      if (m.report) instance.last = m.report;
    });
    child.once("exit", (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
  });
  return instance;
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

  a.child.kill("SIGKILL");
  await produce(brokers, kafka.topic, events.slice(cut2));
  await waitFor("the survivor to hold every partition", () => b.last?.partitions.length === 6, 120_000);
  const got = await resultsOnTopic(brokers, kafka, expected, 120_000);
  assert.equal(got.size, expected.size);
  assert.deepEqual([...got].sort(), [...expected].sort(), "every result of one uninterrupted run, none other, repeats identical");

  b.child.kill("SIGTERM");
  await new Promise((resolve) => b.child.once("exit", resolve));
});

/**
 * /ready of a pipeline on the real servers (Kafka source and sink, Redis store, S3 archive):
 * 503 naming the broker, the store or the archive while that server is stopped, 200 again
 * once it is back, and events produced after the three outages are processed; then the
 * scale-out metrics on /metrics: lag per partition, assignment, commits and their latency,
 * Redis and S3 operations, their latency, and S3 errors counted during its outage.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { checkConfig } from "../src/service/config/config.ts";
import { startPipeline } from "../src/service/pipeline.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../src/service/runtime/metrics.ts";
import type { PartitionedRunner } from "../src/service/runtime/partitioned-runner.ts";
import { createTopic, produce, testKafkaSettings } from "./helpers/kafka.ts";
import { circleEvents, metricSample, SCALE_OUT_STREAM, waitFor } from "./helpers/scale-out.ts";
import { localS3Credentials, useServers } from "./helpers/servers.ts";

const stack = await useServers("kafka", "redis", "s3");

interface Ready {
  status: number;
  checks: Record<string, boolean>;
}

test("/ready is 503 while Kafka, Redis or S3 is away, naming it, and 200 once each is back; processing goes on", { timeout: 420_000 }, async () => {
  const settings = testKafkaSettings(stack.kafka!.address);
  await createTopic(stack.kafka!.address, settings.topic, 3);
  const events = circleEvents(3, 80);
  await produce(stack.kafka!.address, settings.topic, events.slice(0, 120));
  const { config, problems } = checkConfig({
    source: { type: "kafka", topic: settings.topic },
    sink: { type: "kafka" },
    store: { path: stack.redis!.address, checkpointIntervalMs: 500 },
    redis: { prefix: `ready-${process.pid}` },
    archive: { url: `s3://ready-${process.pid}/results`, endpoint: stack.s3!.address, createBucket: true, flushIntervalMs: 500, ...localS3Credentials },
    kafka: Object.fromEntries(Object.entries(settings).filter(([name]) => name !== "topic")),
    http: { port: 0 },
    runner: { workers: 0 },
    stream: SCALE_OUT_STREAM,
  });
  assert.deepEqual(problems, []);
  const metrics = new PipelineMetrics({ defaultMetrics: false });
  const pipeline = await startPipeline(config!, { logger: createLogger({ level: process.env.TEST_LOG === "1" ? "info" : "silent" }), metrics });
  after(() => pipeline.stop());
  const runner = pipeline.runner as PartitionedRunner;
  const ready = async (): Promise<Ready> => {
    const res = await fetch(`http://127.0.0.1:${pipeline.port}/ready`, { signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as { checks: Record<string, boolean> };
    return { status: res.status, checks: body.checks };
  };
  await waitFor("ready at start", async () => (await ready()).status === 200, 120_000);
  await waitFor("the first events processed", () => runner.counts().processed >= 120, 120_000);

  const checkOf = { kafka: "sourceConnected", redis: "storeReachable", s3: "archiveReachable" } as const;
  for (const server of ["kafka", "redis", "s3"] as const) {
    await stack[server]!.stop();
    let away: Ready | undefined;
    await waitFor(`503 with ${server} stopped, naming it`, async () => {
      away = await ready();
      return away.status === 503 && away.checks[checkOf[server]] === false;
    }, 120_000);
    // The other servers' checks stay up (the runner's own state may follow the outage).
    for (const [other, check] of Object.entries(checkOf)) {
      if (other !== server) assert.equal(away!.checks[check], true, `with ${server} stopped, ${check} stays true`);
    }
    await stack[server]!.start();
    await waitFor(`200 once ${server} is back`, async () => (await ready()).status === 200, 180_000);
  }

  await produce(stack.kafka!.address, settings.topic, events.slice(120));
  // Each key's last window ends at its last event (80 per key, windows of 16 sliding by 4).
  await waitFor("every key's last window, from events produced after the outages, in Redis", async () => {
    for (let k = 0; k < 3; k++) {
      const latest = (await pipeline.store.latest(`sensor-${k}`)) as { lastSeq: number } | undefined;
      if (latest?.lastSeq !== 79) return false;
    }
    return true;
  }, 180_000);
  assert.equal((await ready()).status, 200);

  // The scale-out metrics, as /metrics serves them, after the outages.
  let text = "";
  await waitFor("lag measured on the 3 partitions, drained, and results archived", async () => {
    text = await (await fetch(`http://127.0.0.1:${pipeline.port}/metrics`)).text();
    const lag = [0, 1, 2].map((p) => metricSample(text, `kafka_consumer_lag{topic="${settings.topic}",partition="${p}"}`));
    return lag.every((l) => l === 0) && metricSample(text, 'streaming_tda_s3_operations_total{operation="put"}') >= 1;
  }, 60_000);
  assert.equal(metricSample(text, "streaming_tda_kafka_assigned_partitions"), 3);
  assert.ok(Number.isInteger(metricSample(text, "streaming_tda_kafka_rebalances_total")), "rebalances exported (the failover test counts one)");
  assert.ok(metricSample(text, 'streaming_tda_kafka_commits_total{result="ok"}') >= 1);
  assert.ok(metricSample(text, "streaming_tda_kafka_commit_seconds_count") >= 1, "commit latency observed");
  for (const op of ["claim", "save", "append_results"]) {
    assert.ok(metricSample(text, `streaming_tda_redis_operations_total{operation="${op}"}`) >= 1, `redis ${op}`);
    assert.ok(metricSample(text, `streaming_tda_redis_operation_seconds_count{operation="${op}"}`) >= 1, `redis ${op} latency`);
  }
  assert.ok(metricSample(text, 'streaming_tda_s3_operation_seconds_count{operation="put"}') >= 1, "S3 put latency");
  assert.ok(metricSample(text, 'streaming_tda_s3_errors_total{operation="head_bucket"}') >= 1, "the probe's failed S3 requests during the outage are counted");
});

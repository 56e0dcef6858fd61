/**
 * One instance of the pipeline on Kafka in a process of its own, for the failover test and
 * bench:kafka (an instance must be killable with SIGKILL). Its config comes as JSON in
 * argv[2] (the YAML config's shape, source.type kafka), started by the composition root as
 * `streaming-tda run` would; it reports to its parent over IPC: {ready} once started,
 * then every 250 ms its partitions, the current and peak lag over them, its counts, the p99
 * of its own latency (arrival to results acknowledged, since the last {resetLatencies}
 * message) and the CPU time of its main thread and of the whole process (worker threads
 * included). Asked {metrics}, it answers with its Prometheus text and its processed count
 * at the same moment. SIGTERM stops it cleanly.
 */
import { checkConfig } from "../src/service/config/config.ts";
import { startPipeline } from "../src/service/pipeline.ts";
import { createLogger } from "../src/service/runtime/logger.ts";
import type { PartitionedRunner } from "../src/service/runtime/partitioned-runner.ts";

export interface InstanceReport {
  partitions: number[];
  lag: number;
  maxLag: number;
  windows: number;
  processed: number;
  generations: number;
  /** p99 of the runner's latency from a record's arrival to its results acknowledged, ms. */
  p99Ms: number;
  /** CPU time so far, microseconds: the main thread, and every thread of the process. */
  cpuMainUs: number;
  cpuAllUs: number;
}

const { config, problems } = checkConfig(JSON.parse(process.argv[2]));
if (!config) throw new Error(`instance config: ${JSON.stringify(problems)}`);
const logger = createLogger({ level: (process.env.INSTANCE_LOG as "info" | undefined) ?? "warn" });
const pipeline = await startPipeline(config, { logger });
const runner = pipeline.runner as PartitionedRunner;
process.send?.({ ready: true });
const timer = setInterval(async () => {
  const lag = await pipeline.metrics.kafkaLag.get();
  const counts = runner.counts();
  const report: InstanceReport = {
    partitions: runner.partitions(),
    lag: lag.values.reduce((sum: number, v: { value: number }) => sum + v.value, 0),
    maxLag: runner.maxLag,
    windows: counts.windows,
    processed: counts.processed,
    generations: runner.generations,
    p99Ms: pipeline.metrics.latencyQuantile(0.99) * 1000,
    cpuMainUs: cpuTotal(process.threadCpuUsage()),
    cpuAllUs: cpuTotal(process.cpuUsage()),
  };
  process.send?.({ report });
}, 250);
process.on("message", (m: { resetLatencies?: boolean; metrics?: boolean }) => {
  if (m.resetLatencies) pipeline.metrics.resetRecentLatencies();
  if (m.metrics) void pipeline.metrics.registry.metrics().then((text) => process.send?.({ metricsText: text, processed: runner.counts().processed }));
});
function cpuTotal(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
process.on("SIGTERM", () => {
  clearInterval(timer);
  void pipeline.stop().then(() => process.exit(0));
});

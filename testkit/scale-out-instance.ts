/**
 * One instance of the scale-out pipeline in a process of its own, for the failover test and
 * bench:kafka (an instance must be killable with SIGKILL). Options come as JSON in argv[2]
 * (ScaleOutOptions); the instance reports to its parent over IPC: {ready} once started,
 * then every 250 ms its partitions, the current and peak lag over them, and its counts.
 * SIGTERM stops it cleanly.
 */
import { createLogger } from "../src/service/runtime/logger.ts";
import { startScaleOutPipeline, type ScaleOutOptions } from "../src/service/pipeline.ts";

export interface InstanceReport {
  partitions: number[];
  lag: number;
  maxLag: number;
  windows: number;
  processed: number;
  generations: number;
}

const options = JSON.parse(process.argv[2]) as ScaleOutOptions;
const logger = createLogger({ level: (process.env.INSTANCE_LOG as "info" | undefined) ?? "warn" });
const pipeline = await startScaleOutPipeline(options, { logger });
process.send?.({ ready: true });
const timer = setInterval(async () => {
  const lag = await pipeline.metrics.kafkaLag.get();
  const counts = pipeline.runner.counts();
  const report: InstanceReport = {
    partitions: pipeline.runner.partitions(),
    lag: lag.values.reduce((sum, v) => sum + v.value, 0),
    maxLag: pipeline.runner.maxLag,
    windows: counts.windows,
    processed: counts.processed,
    generations: pipeline.runner.generations,
  };
  process.send?.({ report });
}, 250);
process.on("SIGTERM", () => {
  clearInterval(timer);
  void pipeline.stop().then(() => process.exit(0));
});

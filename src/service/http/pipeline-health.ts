import type { PipelineMetrics } from "../runtime/metrics.ts";
import type { PipelineRunner } from "../runtime/runner.ts";
import type { PipelineHealth } from "./live-types.ts";


/** What the probe reads of a runner: the plain one, or the partitioned one on Kafka. */
export type HealthSource = Pick<PipelineRunner, "state" | "paused" | "checkpointsWritten" | "lastCheckpointAt" | "liveKeys" | "inFlightEvents">;

/** Reads the pipeline's health from what the runner and its metrics expose. */
export class HealthProbe {
  private readonly runner: HealthSource;
  private readonly metrics: PipelineMetrics;
  private last: { at: number; events: number; windows: number; eventsPerSecond: number; windowsPerSecond: number } | undefined;

  constructor(runner: HealthSource, metrics: PipelineMetrics) {
    this.runner = runner;
    this.metrics = metrics;
  }

  async read(): Promise<PipelineHealth> {
    const { runner, metrics } = this;
    const at = Date.now();
    const events = await counterTotal(metrics.eventsProcessed);
    const windows = await counterTotal(metrics.windows);
    let { eventsPerSecond, windowsPerSecond } = this.last ?? { eventsPerSecond: 0, windowsPerSecond: 0 };
    if (this.last === undefined || at - this.last.at >= 1000) {
      if (this.last !== undefined) {
        const seconds = (at - this.last.at) / 1000;
        eventsPerSecond = (events - this.last.events) / seconds;
        windowsPerSecond = (windows - this.last.windows) / seconds;
      }
      this.last = { at, events, windows, eventsPerSecond, windowsPerSecond };
    }
    const deadLetters: Record<string, number> = {};
    for (const v of (await metrics.eventsFailed.get()).values) {
      const reason = String(v.labels.reason ?? "unknown");
      deadLetters[reason] = (deadLetters[reason] ?? 0) + v.value;
    }
    return {
      state: runner.state,
      paused: runner.paused,
      eventsPerSecond,
      windowsPerSecond,
      latencyP50Ms: metrics.latencyQuantile(0.5) * 1000,
      latencyP99Ms: metrics.latencyQuantile(0.99) * 1000,
      deadLetters,
      checkpoints: runner.checkpointsWritten,
      lastCheckpointAt: runner.lastCheckpointAt > 0 ? runner.lastCheckpointAt : null,
      activeKeys: runner.liveKeys,
      inFlight: runner.inFlightEvents,
      kafkaLag: await kafkaLag(metrics),
      at,
    };
  }
}

async function counterTotal(metric: { get(): Promise<{ values: Array<{ value: number }> }> }): Promise<number> {
  let total = 0;
  for (const v of (await metric.get()).values) total += v.value;
  return total;
}

/** Records behind over every Kafka partition this instance holds; null when the source is not Kafka (no partition was ever reported). */
async function kafkaLag(metrics: PipelineMetrics): Promise<number | null> {
  const { values } = await metrics.kafkaLag.get();
  return values.length === 0 ? null : counterTotal(metrics.kafkaLag);
}

import { Worker } from "node:worker_threads";
import { NullSink } from "../../src/adapters/sinks/store-sink.ts";
import { createLogger } from "../../src/service/runtime/logger.ts";
import { PipelineMetrics } from "../../src/service/runtime/metrics.ts";
import { startPipeline } from "../../src/service/pipeline.ts";
import type { ClientOptions } from "./http-client.ts";
import { KEYS, measure, pipelineConfig, type Measured, type Workload } from "./workloads.ts";

/** The pipeline fed through POST /events by a client in another thread (http-client.ts). */
export async function overHttp(w: Workload, workers: number, warm: number, seconds: number, expectedRate: number): Promise<Measured> {
  const config = pipelineConfig(w, workers, true);
  const metrics = new PipelineMetrics({ defaultMetrics: false, latencySamples: 1 << 20 });
  const pipeline = await startPipeline(config, { logger: createLogger({ level: "warn" }), metrics, sinks: [new NullSink()] });
  const client = new Worker(new URL("./http-client.ts", import.meta.url), {
    workerData: { url: `http://127.0.0.1:${pipeline.port}/events`, batch: 64, concurrency: 4 } satisfies ClientOptions,
  });
  try {
    return await measure(pipeline, warm, seconds, false, KEYS * w.slide, expectedRate);
  } finally {
    const exited = new Promise((resolve) => client.once("exit", resolve));
    client.postMessage("stop");
    await exited;
    await pipeline.stop();
  }
}

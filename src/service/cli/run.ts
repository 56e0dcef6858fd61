import { createLogger } from "../runtime/logger.ts";
import { servePipeline } from "../serve.ts";
import { pipelineConfigFromArgs, pipelineSpec } from "./run-flags.ts";

export const spec = pipelineSpec({
  name: "run",
  summary: "run a pipeline: events in, window diagrams and anomalies out",
  description: "Runs a pipeline: events in, persistence diagrams of sliding windows, features and anomalies out, until the input ends or SIGTERM.",
  usage: "[--config pipeline.yaml] [options]",
});

export async function run(argv: string[]): Promise<number> {
  const config = pipelineConfigFromArgs(argv, spec);
  if (config === null) return 0;
  return servePipeline(config, createLogger({ level: config.log.level }));
}

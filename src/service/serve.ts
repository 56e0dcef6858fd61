import type { PipelineConfig } from "./config/config.ts";
import type { Logger } from "./runtime/logger.ts";
import { startPipeline, type RunningPipeline } from "./pipeline.ts";

/** Seconds between SIGTERM and a forced exit: Kubernetes waits 30 s, the runbook asks for 10. */
export const STOP_DEADLINE_MS = 9000;

/**
 * Runs a pipeline in this process until its input ends or a signal arrives. SIGTERM and
 * SIGINT stop intake, flush outputs, checkpoint and exit 0; a second signal, or a stop that
 * overruns the deadline, exits at once with 1 (the last checkpoint still stands).
 */
export async function servePipeline(
  config: PipelineConfig,
  logger: Logger,
  options: { started?(pipeline: RunningPipeline): void } = {},
): Promise<number> {
  const pipeline = await startPipeline(config, { logger });
  options.started?.(pipeline);
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) {
      logger.warn("second signal: exiting without waiting", { signal });
      process.exit(1);
    }
    stopping = true;
    logger.info("stopping", { signal });
    setTimeout(() => {
      logger.error("stop overran its deadline; exiting", { deadlineMs: STOP_DEADLINE_MS });
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    void pipeline.stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await pipeline.done;
    return 0;
  } catch (err) {
    logger.error("pipeline stopped on an error", { err });
    return 1;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}

import { SetupError } from "../adapters/types.ts";
import { CliError } from "./cli/args.ts";
import { EX_CONFIG, type PipelineConfig } from "./config/config.ts";
import type { Logger } from "./runtime/logger.ts";
import { startPipeline, type RunningPipeline } from "./pipeline.ts";

/** Seconds between SIGTERM and a forced exit: Kubernetes waits 30 s, the runbook asks for 10. */
export const STOP_DEADLINE_MS = 9000;

/**
 * Runs a pipeline in this process until its input ends or a signal arrives. SIGTERM and
 * SIGINT stop intake, flush outputs, checkpoint and exit 0; a second signal, or a stop that
 * overruns the deadline, exits at once with 1 (the last checkpoint still stands). A fault in
 * the setup (a store in use or damaged, a path that cannot be opened, an address it cannot
 * listen on, a file that is not the checkpoint's) is thrown as a CliError with the config
 * status, so the command line prints it as one line naming what to fix.
 */
export async function servePipeline(
  config: PipelineConfig,
  logger: Logger,
  options: { started?(pipeline: RunningPipeline): void } = {},
): Promise<number> {
  let pipeline: RunningPipeline;
  try {
    pipeline = await startPipeline(config, { logger });
  } catch (err) {
    throw asSetupFault(err, config) ?? err;
  }
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
    const fault = asSetupFault(err, config);
    if (fault) throw fault;
    logger.error("pipeline stopped on an error", { err });
    return 1;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  }
}

/** A setup fault as the command line reports it, or undefined for any other error. */
function asSetupFault(err: unknown, config: PipelineConfig): CliError | undefined {
  if (err instanceof SetupError) return new CliError(err.message, EX_CONFIG);
  const e = err as NodeJS.ErrnoException & { syscall?: string };
  if (e?.syscall === "listen" || e?.syscall === "getaddrinfo") {
    const { host, port } = config.http;
    const why =
      e.code === "EADDRINUSE" ? `port ${port} is in use by another process (choose another --port, or stop that process)`
      : e.code === "EADDRNOTAVAIL" ? `host ${host} is not an address of this machine`
      : e.code === "ENOTFOUND" || e.code === "EAI_AGAIN" ? `host ${host} does not resolve to an address`
      : e.code === "EACCES" ? `port ${port} needs privileges this process lacks (use a port above 1023)`
      : `${e.code ?? e.message}`;
    return new CliError(`http: cannot listen on ${host}:${port}: ${why}`, EX_CONFIG);
  }
  return undefined;
}

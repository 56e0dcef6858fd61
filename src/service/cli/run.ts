import { checkConfig, ConfigError, loadConfigFile, type PipelineConfig } from "../config/config.ts";
import { applyFlags, parsePipelineFlags } from "./run-flags.ts";
import { createLogger } from "../runtime/logger.ts";
import { servePipeline } from "../serve.ts";
import { TdaInputError } from "../../tda/types.ts";

const USAGE = `usage: streaming-tda run [--config pipeline.yaml] [options]

Runs a pipeline: events in, persistence diagrams of sliding windows out.
  --config FILE          YAML config (see config/pipeline.example.yaml); flags override it
  --source SRC           file:PATH | stdin | http | demo            (default stdin)
  --follow               keep reading a file source as it grows
  --format json|csv      input format of a file or stdin source
  --sink SINK            stdout | file:PATH | none                  (default stdout)
  --window SIZE          points per window (128), or a duration (10s) for time windows
  --slide N              points (or a duration) between windows     (default SIZE/16)
  --max-dim K            highest homology dimension                 (default 1)
  --embed DIM,DELAY      time-delay embedding for scalar streams
  --store PATH|none      embedded store: checkpoints and result history
  --checkpoint-interval MS
  --port N|none          HTTP port for probes, metrics, flags, API  (default 8080)
  --workers N            worker threads across keys; 0 = main thread (default 2)
Logs are JSON lines on stderr; LOG_LEVEL=debug|info|warn|error.`;

export const summary = "run a pipeline: events in, window diagrams and anomalies out";

export async function run(argv: string[]): Promise<number> {
  const flags = parsePipelineFlags(argv);
  if (flags.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const config = resolvePipelineConfig(flags.config, flags, {});
  return servePipeline(config, createLogger());
}

/** Config file (or defaults) with flags applied on top, checked once more as a whole. */
export function resolvePipelineConfig(
  file: string | undefined,
  flags: ReturnType<typeof parsePipelineFlags>,
  defaults: Record<string, unknown>,
): PipelineConfig {
  let base: PipelineConfig;
  if (file) base = loadConfigFile(file);
  else {
    const checked = checkConfig(defaults);
    if (!checked.config) throw new ConfigError("defaults", checked.problems);
    base = checked.config;
  }
  const merged = applyFlags(base, flags);
  const { config, problems } = checkConfig(merged);
  if (!config) throw new ConfigError("flags", problems);
  if (!(config.source.type === "file" || config.source.type === "demo") && flags.follow) throw new TdaInputError("--follow needs a file source");
  return config;
}

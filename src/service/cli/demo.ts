import { parsePipelineFlags } from "./run-flags.ts";
import { createLogger } from "../runtime/logger.ts";
import { servePipeline } from "../serve.ts";
import { resolvePipelineConfig } from "./run.ts";

const USAGE = `usage: streaming-tda demo [options]

The whole product on one machine: the demo generator (64 keys whose topology changes from a
noisy circle to two circles to a figure eight), the embedded store, and HTTP on port 8080
with a live page (http://localhost:8080/) of keys, latest diagrams and anomalies.
Takes the options of "streaming-tda run"; defaults: --source demo (400 events/s; a
--config file sets source.rate) --sink none --store .data/demo.db --port 8080.`;

export const summary = "the demo: generated streams, embedded store, live page on :8080";

export async function run(argv: string[]): Promise<number> {
  const flags = parsePipelineFlags(argv);
  if (flags.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  const config = resolvePipelineConfig(flags.config, flags, {
    // 400 events/s: what one machine's pipeline keeps up with today, with room to spare.
    source: { type: "demo", rate: 400 },
    sink: { type: "none" },
    store: { path: ".data/demo.db" },
  });
  const logger = createLogger();
  return servePipeline(config, logger, {
    started({ port }) {
      if (port === undefined) return;
      const host = ["0.0.0.0", "::", ""].includes(config.http.host) ? "localhost" : config.http.host;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
      logger.info(`live dashboard at ${url} (playground at ${url}playground)`, { url });
    },
  });
}

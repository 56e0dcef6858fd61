import { createLogger } from "../runtime/logger.ts";
import { servePipeline } from "../serve.ts";
import { pipelineConfigFromArgs, pipelineSpec } from "./run-flags.ts";

export const spec = pipelineSpec({
  name: "demo",
  summary: "the demo: generated streams, embedded store, live dashboard on :8080",
  description:
    "The whole product on one machine: the demo generator (64 keys whose topology changes from a noisy circle to two circles to a figure eight), the embedded store, and HTTP on port 8080 with the live dashboard (http://localhost:8080/: keys, diagrams, barcodes, Betti curves, anomaly scores, feature events, window points, pipeline health) and the playground (http://localhost:8080/playground).",
  usage: "[options]",
  notes: ["Without --config, demo's own defaults stand in for the config file: --source demo (400 events/s) --sink none --store .data/demo.db, and stream.projection on (the dashboard draws each window's points)."],
});

/** The demo's defaults in place of a config file. 400 events/s: what one machine keeps up with, with room to spare. */
const DEMO_PROFILE = {
  source: { type: "demo", rate: 400 },
  sink: { type: "none" },
  store: { path: ".data/demo.db" },
  stream: { projection: true },
};

export async function run(argv: string[]): Promise<number> {
  const config = pipelineConfigFromArgs(argv, spec, DEMO_PROFILE);
  if (config === null) return 0;
  const logger = createLogger({ level: config.log.level });
  return servePipeline(config, logger, {
    started({ port }) {
      if (port === undefined) return;
      const host = ["0.0.0.0", "::", ""].includes(config.http.host) ? "localhost" : config.http.host;
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}/`;
      logger.info(`live dashboard at ${url} (playground at ${url}playground)`, { url });
    },
  });
}

import { resolvePipelineConfig, type PipelineConfig } from "../../service/config/config.ts";
import { UsageError } from "../../service/cli/args.ts";
import { isRedisPath } from "../../service/pipeline.ts";

/**
 * The store a backup or restore works on: --store PATH, else the config's store.path. A
 * redis://… store comes with the whole config (its redis.* settings, the Kafka source's topic
 * and group, the password from the environment); --store alone gives the defaults.
 */
export type StoreTarget = { kind: "file"; path: string } | { kind: "redis"; config: PipelineConfig };

export function storeTarget(command: string, store: string | undefined, configPath: string | undefined): StoreTarget {
  if (store === undefined && configPath === undefined) throw new UsageError(`${command}: give --store PATH or --config FILE`);
  const config = resolvePipelineConfig({
    file: configPath,
    profile: {},
    env: process.env,
    flags: () => (store === undefined ? [] : [{ path: "store.path", value: store, origin: "--store" }]),
  });
  if (!config.store) throw new UsageError(`${command}: ${configPath} configures no store (store: none); give --store PATH`);
  return isRedisPath(config.store.path) ? { kind: "redis", config } : { kind: "file", path: config.store.path };
}

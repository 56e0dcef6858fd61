import { loadConfigFile } from "../../service/config/config.ts";
import { UsageError } from "../../service/cli/args.ts";

/** The store a backup or restore works on: --store PATH, else the config's store.path. */
export function storeTarget(command: string, store: string | undefined, configPath: string | undefined): string {
  if (store !== undefined) return store;
  if (configPath === undefined) throw new UsageError(`${command}: give --store PATH or --config FILE`);
  const config = loadConfigFile(configPath);
  if (!config.store) throw new UsageError(`${command}: ${configPath} configures no store (store: none); give --store PATH`);
  return config.store.path;
}

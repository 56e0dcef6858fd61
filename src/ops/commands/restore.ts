import { parseOrHelp, UsageError, type CommandSpec } from "../../service/cli/args.ts";
import { BACKUP_KEY_ENV, readBackupKey } from "../backup/key.ts";
import { restoreBackup } from "../backup/restore.ts";
import { optionText } from "./backup.ts";
import { storeTarget } from "./store-target.ts";

export const spec: CommandSpec = {
  name: "restore",
  summary: "restore a store from a backup archive, after verifying all of it",
  usage: "FILE (--store PATH | --config FILE | --verify) [--key-file FILE] [--config-out FILE] [--force]",
  maxPositionals: 1,
  options: [
    { name: "store", value: "PATH", help: "where the store goes (default: the config's store.path)" },
    { name: "config", value: "FILE", help: "a pipeline config naming the store" },
    { name: "config-out", value: "FILE", help: "also write the archived config here" },
    { name: "key-file", value: "FILE", help: `file holding the key, 64 hex digits (else ${BACKUP_KEY_ENV})` },
    { name: "force", help: "replace an existing store (stop the service using it first)" },
    { name: "verify", help: "check the archive completely, write nothing" },
  ],
  notes: [
    "Nothing is written until the whole archive is verified: its authentication tag, manifest and checksums, and the store inside it. A damaged, truncated or wrongly keyed archive is refused with exit code 1 and nothing changed. `run` then resumes from the restored offsets.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const [archivePath] = args.positionals;
  if (archivePath === undefined) throw new UsageError("restore: give the archive FILE");
  const verifyOnly = args.options.get("verify") === true;
  const configOut = optionText(args.options.get("config-out"));
  if (verifyOnly && (configOut !== undefined || args.options.has("force"))) throw new UsageError("restore: --verify writes nothing; leave out --config-out and --force");
  const store = optionText(args.options.get("store"));
  const configPath = optionText(args.options.get("config"));
  const storePath = verifyOnly && store === undefined && configPath === undefined ? undefined : storeTarget("restore", store, configPath);
  const key = readBackupKey(optionText(args.options.get("key-file")));
  const result = await restoreBackup({ archivePath, key, storePath, configOut, force: args.options.get("force") === true, verifyOnly });
  const m = result.manifest;
  const what = `archive of ${m.createdAt} by streaming-tda ${m.projectVersion} (format ${m.format}): ${m.entries.length} entries verified, ${result.keys} keys, ${result.results} recent results, resumes from ${JSON.stringify(result.position)}`;
  process.stdout.write(verifyOnly ? `${archivePath}: ok: ${what}\n` : `${archivePath}: restored ${result.wrote.join(" and ")}: ${what}\n`);
  return 0;
}

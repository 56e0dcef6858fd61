import { optionText, parseOrHelp, UsageError, type CommandSpec } from "../../service/cli/args.ts";
import { ENTRY, readArchive } from "../backup/entries.ts";
import { BACKUP_KEY_ENV, readBackupKey } from "../backup/key.ts";
import { readPartitionedArchive, restorePartitioned } from "../backup/partitioned-restore.ts";
import { restoreBackup, writeArchivedConfig } from "../backup/restore.ts";
import { storeTarget } from "./store-target.ts";

export const spec: CommandSpec = {
  name: "restore",
  summary: "restore a store from a backup archive, after verifying all of it",
  usage: "FILE (--store PATH | --config FILE | --verify) [--key-file FILE] [--config-out FILE] [--force]",
  maxPositionals: 1,
  options: [
    { name: "store", value: "PATH", help: "where the store goes, a file or redis://HOST:PORT (default: the config's store.path)" },
    { name: "config", value: "FILE", help: "a pipeline config naming the store (and for Redis, its prefix, Kafka topic and group)" },
    { name: "config-out", value: "FILE", help: "also write the archived config here" },
    { name: "key-file", value: "FILE", help: `file holding the key, 64 hex digits (else ${BACKUP_KEY_ENV})` },
    { name: "force", help: "replace an existing store, or the Redis state of the archive's partitions (stop the service first)" },
    { name: "verify", help: "check the archive completely, write nothing" },
  ],
  notes: [
    "Nothing is written until the whole archive is verified: its authentication tag, manifest and checksums, and the store inside it. A damaged, truncated or wrongly keyed archive is refused with exit code 1 and nothing changed. `run` then resumes from the restored offsets.",
    "Into Redis: refused while the consumer group has members, or when an offset to restore is no longer (or not yet) in the topic. The state of every partition is replaced in one atomic step, only if no instance claimed one since the check; each partition's epoch is raised, so an instance still holding one is fenced and cannot overwrite the restored state. Then the results are merged by id and the group's committed offsets are set.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const [archivePath] = args.positionals;
  if (archivePath === undefined) throw new UsageError("restore: give the archive FILE");
  const verifyOnly = args.options.get("verify") === true;
  const configOut = optionText(args, spec, "config-out");
  const force = args.options.get("force") === true;
  if (verifyOnly && (configOut !== undefined || force)) throw new UsageError("restore: --verify writes nothing; leave out --config-out and --force");
  const store = optionText(args, spec, "store");
  const configPath = optionText(args, spec, "config");
  const target = verifyOnly && store === undefined && configPath === undefined ? undefined : storeTarget("restore", store, configPath);
  const key = readBackupKey(optionText(args, spec, "key-file"));
  const archive = readArchive(archivePath, key);
  const m = archive.manifest;
  const made = `archive of ${m.createdAt} by streaming-tda ${m.projectVersion} (format ${m.format}): ${m.entries.length} entries verified`;

  if (archive.entries.has(ENTRY.partitions)) {
    if (target?.kind === "file") throw new UsageError(`restore: ${archivePath} holds a Redis store's state; give --store redis://HOST:PORT or a --config naming one`);
    const partitioned = readPartitionedArchive(archive, archivePath);
    const keys = partitioned.states.reduce((n, s) => n + s.checkpoint.keys.size + s.checkpoint.evicted.size, 0);
    const group = partitioned.entry.group ? `, group ${partitioned.entry.group.id} offsets ${JSON.stringify(partitioned.entry.group.offsets)}` : "";
    const what = `${made}, ${partitioned.states.length} partitions, ${keys} keys, ${partitioned.results.length} recent results${group}`;
    if (target === undefined || verifyOnly) {
      process.stdout.write(`${archivePath}: ok: ${what}\n`);
      return 0;
    }
    if (configOut !== undefined) writeArchivedConfig(archive, archivePath, configOut, force, false);
    const result = await restorePartitioned(partitioned, target.config, force);
    if (configOut !== undefined) writeArchivedConfig(archive, archivePath, configOut, force, true);
    const offsets = result.group ? ` and group ${result.group.id}'s offsets ${JSON.stringify(result.group.offsets)}` : "";
    process.stdout.write(`${archivePath}: restored ${result.where}${offsets}${configOut ? ` and ${configOut}` : ""}: ${what}\n`);
    return 0;
  }

  if (target?.kind === "redis") throw new UsageError(`restore: ${archivePath} holds an embedded store; give --store PATH for its file`);
  const result = await restoreBackup({ archivePath, archive, storePath: target?.path, configOut, force, verifyOnly });
  const what = `${made}, ${result.keys} keys, ${result.results} recent results, resumes from ${JSON.stringify(result.position)}`;
  process.stdout.write(verifyOnly ? `${archivePath}: ok: ${what}\n` : `${archivePath}: restored ${result.wrote.join(" and ")}: ${what}\n`);
  return 0;
}

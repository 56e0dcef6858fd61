import { existsSync, renameSync, writeFileSync } from "node:fs";
import { optionText, parseOrHelp, readNumber, UsageError, type CommandSpec } from "../../service/cli/args.ts";
import { createBackup } from "../backup/backup.ts";
import { BACKUP_KEY_ENV, readBackupKey } from "../backup/key.ts";
import { createPartitionedBackup } from "../backup/partitioned-backup.ts";
import { storeTarget } from "./store-target.ts";
import { projectVersion } from "../version.ts";

export const spec: CommandSpec = {
  name: "backup",
  summary: "write an encrypted archive of a store: state, offsets, config, recent results",
  usage: "(--store PATH | --config FILE) --out FILE [--key-file FILE]",
  options: [
    { name: "store", value: "PATH", help: "the store to back up, a file or redis://HOST:PORT (default: the config's store.path)" },
    { name: "config", value: "FILE", help: "the pipeline config: archived, and names the store" },
    { name: "out", value: "FILE", help: "the archive to write (refused if it exists)" },
    { name: "key-file", value: "FILE", help: `file holding the key, 64 hex digits (else ${BACKUP_KEY_ENV})` },
    { name: "results-hours", value: "H", help: "recent results: those ending within H hours of each key's latest (24)" },
  ],
  notes: [
    "The archive is encrypted and authenticated with AES-256-GCM. It holds a manifest (format, project version, time, a SHA-256 per entry), a consistent copy of the store, the source offsets its checkpoint resumes from, the config, and recent results. Safe while the service runs. The key is never taken from the command line.",
    "A Redis store (redis.* settings from --config; --store redis://… alone uses their defaults): each state partition's checkpoint with its offset and its evicted keys' states, each key's recent results, and for a Kafka source the consumer group's committed offsets on the topic.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const out = args.options.get("out");
  if (typeof out !== "string") throw new UsageError("backup: give --out FILE");
  if (existsSync(out)) throw new UsageError(`backup: ${out} exists; choose a new name`);
  const configPath = optionText(args, spec, "config");
  const target = storeTarget("backup", optionText(args, spec, "store"), configPath);
  const key = readBackupKey(optionText(args, spec, "key-file"));
  const resultsHours = readNumber(args, spec, "results-hours", 0) ?? 24;
  let archive: Buffer;
  let summary: string;
  if (target.kind === "redis") {
    const result = await createPartitionedBackup({ config: target.config, configPath, resultsHours, key });
    archive = result.archive;
    const group = result.group ? `, group ${result.group.id} offsets ${JSON.stringify(result.group.offsets)}` : "";
    summary = `store ${result.where} (${result.partitions.length} partitions, ${result.keys} keys), ${result.results} recent results${group}`;
  } else {
    const result = await createBackup({ storePath: target.path, configPath, resultsHours, key });
    archive = result.archive;
    summary = `store ${target.path} (${result.keys} keys, resumes from ${JSON.stringify(result.position)}), ${result.results} recent results`;
  }
  // Written whole under another name first: a crash never leaves half an archive named FILE.
  writeFileSync(`${out}.partial`, archive, { mode: 0o600 });
  renameSync(`${out}.partial`, out);
  process.stdout.write(`${out}: ${archive.length} bytes; ${summary}${configPath ? `, config ${configPath}` : ""}; streaming-tda ${projectVersion()}\n`);
  return 0;
}

import { existsSync, renameSync, writeFileSync } from "node:fs";
import { parseOrHelp, readNumber, UsageError, type CommandSpec } from "../../service/cli/args.ts";
import { createBackup } from "../backup/backup.ts";
import { BACKUP_KEY_ENV, readBackupKey } from "../backup/key.ts";
import { storeTarget } from "./store-target.ts";

export const spec: CommandSpec = {
  name: "backup",
  summary: "write an encrypted archive of a store: state, offsets, config, recent results",
  usage: "(--store PATH | --config FILE) --out FILE [--key-file FILE]",
  options: [
    { name: "store", value: "PATH", help: "the embedded store to back up (default: the config's store.path)" },
    { name: "config", value: "FILE", help: "the pipeline config: archived, and names the store" },
    { name: "out", value: "FILE", help: "the archive to write (refused if it exists)" },
    { name: "key-file", value: "FILE", help: `file holding the key, 64 hex digits (else ${BACKUP_KEY_ENV})` },
    { name: "results-hours", value: "H", help: "recent results: those ending within H hours of each key's latest (24)" },
  ],
  notes: [
    "The archive is encrypted and authenticated with AES-256-GCM. It holds a manifest (format, project version, time, a SHA-256 per entry), a consistent copy of the store, the source offsets its checkpoint resumes from, the config, and recent results. Safe while the service runs. The key is never taken from the command line.",
  ],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const out = args.options.get("out");
  if (typeof out !== "string") throw new UsageError("backup: give --out FILE");
  if (existsSync(out)) throw new UsageError(`backup: ${out} exists; choose a new name`);
  const configPath = optionText(args.options.get("config"));
  const storePath = storeTarget("backup", optionText(args.options.get("store")), configPath);
  const key = readBackupKey(optionText(args.options.get("key-file")));
  const result = await createBackup({ storePath, configPath, resultsHours: readNumber(args, spec, "results-hours", 0) ?? 24, key });
  // Written whole under another name first: a crash never leaves half an archive named FILE.
  writeFileSync(`${out}.partial`, result.archive, { mode: 0o600 });
  renameSync(`${out}.partial`, out);
  process.stdout.write(
    `${out}: ${result.archive.length} bytes; store ${storePath} (${result.keys} keys, resumes from ${JSON.stringify(result.position)}), ` +
      `${result.results} recent results${configPath ? `, config ${configPath}` : ""}; streaming-tda ${result.manifest.projectVersion}\n`,
  );
  return 0;
}

export function optionText(value: string | true | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

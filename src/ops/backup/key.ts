import { readNamedFile } from "../read-file.ts";
import { TdaInputError } from "../../tda/types.ts";

/** The environment variable that may hold the backup key. */
export const BACKUP_KEY_ENV = "STREAMING_TDA_BACKUP_KEY";

/**
 * The 32-byte AES-256 key of backups: 64 hex digits from a key file or the environment,
 * never from the command line (it would show in `ps` and shell history). The file wins when
 * both are given. Whitespace around the digits (a trailing newline) is ignored.
 */
export function readBackupKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer {
  let text: string;
  let from: string;
  if (keyFile !== undefined) {
    text = readNamedFile(keyFile, "backup key file").toString("utf8");
    from = `backup key file ${keyFile}`;
  } else if (env[BACKUP_KEY_ENV] !== undefined && env[BACKUP_KEY_ENV] !== "") {
    text = env[BACKUP_KEY_ENV]!;
    from = BACKUP_KEY_ENV;
  } else {
    throw new TdaInputError(`no backup key: give --key-file FILE or set ${BACKUP_KEY_ENV} (64 hex digits, e.g. from openssl rand -hex 32)`);
  }
  const digits = text.trim();
  // The message never echoes the key's text, only its shape.
  if (!/^[0-9a-fA-F]{64}$/.test(digits)) {
    throw new TdaInputError(`${from}: expected 64 hex digits (openssl rand -hex 32), got ${digits.length} characters${/[^0-9a-fA-F]/.test(digits) ? " with non-hex ones" : ""}`);
  }
  return Buffer.from(digits, "hex");
}

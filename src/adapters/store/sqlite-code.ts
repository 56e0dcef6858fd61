/** SQLite's primary result codes that the store acts on (https://sqlite.org/rescode.html). */
export const SQLITE_BUSY = 5;
export const SQLITE_IOERR = 10;
export const SQLITE_CORRUPT = 11;
export const SQLITE_NOTADB = 26;

/** The primary result code of an error from node:sqlite, or -1 for any other error. */
export function sqliteCode(err: unknown): number {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === "number" ? code & 0xff : -1;
}

/** The file itself is damaged or unreadable: not a question the caller asked wrongly. */
export function isDamage(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === SQLITE_CORRUPT || code === SQLITE_NOTADB || code === SQLITE_IOERR;
}

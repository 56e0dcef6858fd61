import { DatabaseSync } from "node:sqlite";
import { SetupError } from "../types.ts";
import { SQLITE_BUSY, sqliteCode } from "./sqlite-code.ts";

/**
 * One process per store, for the process's life. The lock is SQLite's own file lock on a
 * small database beside the store (`PATH.lock`): the holder keeps a write transaction open
 * on it, which any other connection's `BEGIN IMMEDIATE` fails to get, while it can still read
 * the holder's pid. The operating system drops the lock when the holder exits, however it
 * exits (a SIGKILL included), so there is no stale lock to clean up.
 */
export class StoreLock {
  private readonly db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Takes the lock of the store at `storePath`, or throws a SetupError naming the pid that holds it. */
  static acquire(storePath: string): StoreLock {
    const lockPath = `${storePath}.lock`;
    const db = new DatabaseSync(lockPath);
    try {
      db.exec("PRAGMA busy_timeout = 0");
      db.exec("CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, since TEXT NOT NULL)");
      // The pid is committed first so that others can read it, then the lock is taken again:
      // a process that slips in between wins, and this one reports it.
      if (!tryBegin(db)) throw inUse(db, storePath);
      db.prepare("INSERT OR REPLACE INTO holder (id, pid, since) VALUES (1, ?, ?)").run(process.pid, new Date().toISOString());
      db.exec("COMMIT");
      if (!tryBegin(db)) throw inUse(db, storePath);
      return new StoreLock(db);
    } catch (err) {
      if (db.isOpen) db.close();
      if (err instanceof SetupError) throw err;
      throw new SetupError(`store ${storePath}: cannot take its lock ${lockPath}: ${(err as Error).message}`);
    }
  }

  release(): void {
    if (!this.db.isOpen) return;
    this.db.exec("ROLLBACK");
    this.db.close();
  }
}

function tryBegin(db: DatabaseSync): boolean {
  try {
    db.exec("BEGIN IMMEDIATE");
    return true;
  } catch (err) {
    if (sqliteCode(err) !== SQLITE_BUSY) throw err;
    return false;
  }
}

function inUse(db: DatabaseSync, storePath: string): SetupError {
  let holder = "another process";
  try {
    db.exec("PRAGMA busy_timeout = 2000");
    const row = db.prepare("SELECT pid, since FROM holder WHERE id = 1").get() as { pid: number; since: string } | undefined;
    if (row) holder = `pid ${row.pid} (since ${row.since})`;
  } catch {
    // The holder is between its two steps; the message names no pid.
  }
  return new SetupError(`store ${storePath} is in use by ${holder}: stop that process first, or give this one another --store`);
}

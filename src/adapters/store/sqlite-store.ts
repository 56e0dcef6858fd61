import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { systemReason } from "../system-reason.ts";
import { SetupError, StaleEpochError, type Checkpoint, type HistoryPage, type KeyPage, type KeySummary, type OutputRecord, type StateLease, type StateStore } from "../types.ts";
import { isDamage, sqliteCode, SQLITE_NOTADB } from "./sqlite-code.ts";
import { decodeState, StateEncoder } from "./state-codec.ts";
import { StoreLock } from "./store-lock.ts";
import { outputText } from "../output-json.ts";

/** Generation of keys stored but not in memory at the last checkpoint. */
const EVICTED = -1;

/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite` (no native
 * addon). State is written with the store's own binary codec (state-codec.ts), so whatever
 * a snapshot holds (typed arrays, Maps, NaN, ±Infinity) comes back as it was, and writing
 * tens of thousands of keys leaves no native garbage behind.
 *
 * Opening it takes the store's lock for the life of the process (store-lock.ts: a second
 * process on the same file fails at start, naming the holder's pid) and runs SQLite's
 * `quick_check` over every page, so a damaged file is refused at start rather than failing
 * queries later. Damage found later (a read that hits a bad page) is remembered, and
 * `ping()` answers false from then on, which takes the service out of readiness.
 *
 * Each state partition has one row: the epoch of its newest claim and its last checkpoint
 * (generation, position, shard states, counts). A checkpoint is one transaction that first
 * checks the epoch (the fence), then writes the state of every live key tagged with the
 * checkpoint's generation and the keys evicted since the last one tagged -1. Loading takes
 * the keys of the newest generation; evicted keys come back on request.
 *
 * Calls are synchronous inside (SQLite in WAL mode answers in microseconds); the interface
 * is async because networked stores implement it too.
 */
export class SqliteStateStore implements StateStore {
  readonly kind = "sqlite";
  readonly durable = true;
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly stmt: {
    insertResult: StatementSync;
    upsertSummary: StatementSync;
    claim: StatementSync;
    epoch: StatementSync;
    upsertKey: StatementSync;
    putCheckpoint: StatementSync;
    getCheckpoint: StatementSync;
    liveKeys: StatementSync;
    evictedKey: StatementSync;
    keys: StatementSync;
    keysAfter: StatementSync;
    keySummary: StatementSync;
    latest: StatementSync;
    history: StatementSync;
    historyAfter: StatementSync;
    historyDesc: StatementSync;
    historyBefore: StatementSync;
    pruneResults: StatementSync;
  };
  private readonly retentionMs: number;
  private readonly lock: StoreLock | undefined;
  private readonly encoder = new StateEncoder();
  /** Set when SQLite reported the file damaged: what it said. */
  private damaged: string | undefined;

  /**
   * `retentionMs`: results stored longer ago than this are pruned at each checkpoint. Throws
   * a SetupError naming the path when the file cannot be opened, is in use by another
   * process, is damaged or has an earlier layout.
   */
  constructor(path: string, options: { retentionMs?: number } = {}) {
    this.path = path;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    if (path !== ":memory:") {
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (err) {
        throw new SetupError(`store ${path}: cannot create its directory: ${systemReason(err)}`);
      }
    }
    this.lock = path === ":memory:" ? undefined : StoreLock.acquire(path);
    try {
      this.db = openChecked(path);
    } catch (err) {
      this.lock?.release();
      throw err;
    }
    // First of all: switching to WAL and creating the tables take a write lock, which another
    // process reading the file (a backup, the sqlite3 shell) may hold for a moment.
    this.db.exec("PRAGMA busy_timeout = 5000");
    const earlierLayout = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'checkpoint_meta'").get();
    if (earlierLayout) {
      this.db.close();
      this.lock?.release();
      throw new SetupError(`store ${path} has an earlier layout (one unpartitioned checkpoint); move it aside to start afresh`);
    }
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS state_partition (
        partition TEXT PRIMARY KEY,
        epoch INTEGER NOT NULL,
        generation INTEGER NOT NULL DEFAULT 0,
        position TEXT,
        shard_count INTEGER,
        shards BLOB,
        counts TEXT,
        taken_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS key_state (
        partition TEXT NOT NULL,
        key TEXT NOT NULL,
        generation INTEGER NOT NULL,
        state BLOB NOT NULL,
        PRIMARY KEY (partition, key)
      );
      CREATE TABLE IF NOT EXISTS results (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        end_ts REAL,
        stored_at INTEGER NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS results_key_end ON results (key, end_ts);
      CREATE INDEX IF NOT EXISTS results_stored ON results (stored_at);
      CREATE TABLE IF NOT EXISTS key_summary (
        key TEXT PRIMARY KEY,
        last_end REAL,
        windows INTEGER NOT NULL,
        anomalies INTEGER NOT NULL,
        latest_id TEXT
      );
    `);
    this.stmt = {
      insertResult: this.db.prepare(
        "INSERT OR IGNORE INTO results (id, key, end_ts, stored_at, record) VALUES (?, ?, ?, ?, ?)",
      ),
      upsertSummary: this.db.prepare(`
        INSERT INTO key_summary (key, last_end, windows, anomalies, latest_id) VALUES (?1, ?2, 1, ?3, ?4)
        ON CONFLICT (key) DO UPDATE SET
          windows = windows + 1,
          anomalies = anomalies + ?3,
          last_end = CASE WHEN ?2 >= coalesce(last_end, -1e300) THEN ?2 ELSE last_end END,
          latest_id = CASE WHEN ?2 >= coalesce(last_end, -1e300) THEN ?4 ELSE latest_id END`),
      claim: this.db.prepare(`
        INSERT INTO state_partition (partition, epoch) VALUES (?, 1)
        ON CONFLICT (partition) DO UPDATE SET epoch = epoch + 1
        RETURNING epoch`),
      epoch: this.db.prepare("SELECT epoch, generation FROM state_partition WHERE partition = ?"),
      upsertKey: this.db.prepare(`
        INSERT INTO key_state (partition, key, generation, state) VALUES (?, ?, ?, ?)
        ON CONFLICT (partition, key) DO UPDATE SET generation = excluded.generation, state = excluded.state`),
      putCheckpoint: this.db.prepare(
        "UPDATE state_partition SET generation = ?, position = ?, shard_count = ?, shards = ?, counts = ?, taken_at = ? WHERE partition = ?",
      ),
      getCheckpoint: this.db.prepare("SELECT * FROM state_partition WHERE partition = ? AND generation > 0"),
      liveKeys: this.db.prepare("SELECT key, state FROM key_state WHERE partition = ? AND generation = ?"),
      evictedKey: this.db.prepare(`SELECT state FROM key_state WHERE partition = ? AND key = ? AND generation = ${EVICTED}`),
      keys: this.db.prepare("SELECT key, last_end, windows, anomalies FROM key_summary ORDER BY key"),
      keysAfter: this.db.prepare("SELECT key, last_end, windows, anomalies FROM key_summary WHERE key > ? ORDER BY key LIMIT ?"),
      keySummary: this.db.prepare("SELECT key, last_end, windows, anomalies FROM key_summary WHERE key = ?"),
      latest: this.db.prepare(
        "SELECT r.record FROM key_summary s JOIN results r ON r.id = s.latest_id WHERE s.key = ?",
      ),
      history: this.db.prepare(
        "SELECT record FROM results WHERE key = ? AND end_ts >= ? AND end_ts <= ? ORDER BY end_ts, id LIMIT ?",
      ),
      historyAfter: this.db.prepare(
        "SELECT record FROM results WHERE key = ? AND end_ts >= ? AND end_ts <= ? AND (end_ts, id) > (?, ?) ORDER BY end_ts, id LIMIT ?",
      ),
      historyDesc: this.db.prepare(
        "SELECT record FROM results WHERE key = ? AND end_ts >= ? AND end_ts <= ? ORDER BY end_ts DESC, id DESC LIMIT ?",
      ),
      historyBefore: this.db.prepare(
        "SELECT record FROM results WHERE key = ? AND end_ts >= ? AND end_ts <= ? AND (end_ts, id) < (?, ?) ORDER BY end_ts DESC, id DESC LIMIT ?",
      ),
      pruneResults: this.db.prepare("DELETE FROM results WHERE stored_at < ?"),
    };
  }

  /** What SQLite said when it found the file damaged, if it did since it was opened. */
  get damage(): string | undefined {
    return this.damaged;
  }

  /** Runs a call on the database, noting a damaged file (for ping) before passing its error on. */
  private guard<T>(call: () => T): T {
    try {
      return call();
    } catch (err) {
      if (isDamage(err)) this.damaged ??= (err as Error).message;
      throw err;
    }
  }

  async claim(partition: string): Promise<StateLease> {
    const { epoch } = this.guard(() => this.stmt.claim.get(partition)) as { epoch: number };
    return {
      partition,
      epoch,
      load: async () => this.guard(() => this.load(partition)),
      save: async (checkpoint) => this.guard(() => this.save(partition, epoch, checkpoint)),
      loadEvictedKeys: async (keys) =>
        this.guard(() => {
          const found = new Map<string, unknown>();
          for (const key of keys) {
            const row = this.stmt.evictedKey.get(partition, key) as { state: Uint8Array } | undefined;
            if (row) found.set(key, decodeState(row.state));
          }
          return found;
        }),
    };
  }

  private load(partition: string): Checkpoint | undefined {
    const row = this.stmt.getCheckpoint.get(partition) as
      | { generation: number; position: string | null; shard_count: number; shards: Uint8Array; counts: string; taken_at: number }
      | undefined;
    if (!row) return undefined;
    const keys = new Map<string, unknown>();
    for (const k of this.stmt.liveKeys.iterate(partition, row.generation) as Iterable<{ key: string; state: Uint8Array }>) {
      keys.set(k.key, decodeState(k.state));
    }
    return {
      position: row.position === null ? undefined : JSON.parse(row.position),
      shardCount: row.shard_count,
      keys,
      // Evicted keys stay in the store; they are read back when they return.
      evicted: new Map(),
      shards: decodeState(row.shards) as unknown[],
      counts: JSON.parse(row.counts),
      takenAt: row.taken_at,
    };
  }

  private save(partition: string, epoch: number, cp: Checkpoint): void {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      // Inside the write lock: no claim can slip in between this check and the commit.
      const current = this.stmt.epoch.get(partition) as { epoch: number; generation: number };
      if (current.epoch !== epoch) throw new StaleEpochError(partition, epoch, current.epoch);
      const generation = current.generation + 1;
      const encoder = this.encoder;
      for (const [key, state] of cp.evicted) this.stmt.upsertKey.run(partition, key, EVICTED, encoder.encode(state));
      for (const [key, state] of cp.keys) this.stmt.upsertKey.run(partition, key, generation, encoder.encode(state));
      this.stmt.putCheckpoint.run(
        generation,
        cp.position === undefined ? null : JSON.stringify(cp.position),
        cp.shardCount,
        encoder.encode(cp.shards),
        JSON.stringify(cp.counts),
        cp.takenAt,
        partition,
      );
      this.stmt.pruneResults.run(Date.now() - this.retentionMs);
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  async appendResults(records: readonly OutputRecord[]): Promise<void> {
    if (records.length > 0) this.guard(() => this.writeResults(records));
  }

  private writeResults(records: readonly OutputRecord[]): void {
    const now = Date.now();
    this.db.exec("BEGIN");
    try {
      for (const r of records) {
        if (r.type !== "window") continue;
        const end = typeof r.end === "number" ? r.end : null;
        const inserted = this.stmt.insertResult.run(r.id, r.key, end, now, outputText(r));
        // A result repeated after a crash has the same id: count it once.
        if (inserted.changes > 0) this.stmt.upsertSummary.run(r.key, end, r.anomaly === true ? 1 : 0, r.id);
      }
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  async keys(page?: KeyPage): Promise<KeySummary[]> {
    const rows = this.guard(() => (page ? this.stmt.keysAfter.all(page.after ?? "", page.limit) : this.stmt.keys.all()));
    return (rows as unknown as SummaryRow[]).map(summaryOf);
  }

  async keySummaries(keys: readonly string[]): Promise<KeySummary[]> {
    const out: KeySummary[] = [];
    for (const key of [...new Set(keys)].sort()) {
      const row = this.guard(() => this.stmt.keySummary.get(key)) as SummaryRow | undefined;
      if (row) out.push(summaryOf(row));
    }
    return out;
  }

  async latest(key: string): Promise<OutputRecord | undefined> {
    const row = this.guard(() => this.stmt.latest.get(key)) as { record: string } | undefined;
    return row ? JSON.parse(row.record) : undefined;
  }

  async history(key: string, from: number, to: number, limit: number, page: HistoryPage = {}): Promise<OutputRecord[]> {
    const desc = page.order === "desc";
    const rows = this.guard(() =>
      page.after
        ? (desc ? this.stmt.historyBefore : this.stmt.historyAfter).all(key, from, to, page.after.end, page.after.id, limit)
        : (desc ? this.stmt.historyDesc : this.stmt.history).all(key, from, to, limit),
    );
    return (rows as Array<{ record: string }>).map((r) => JSON.parse(r.record));
  }

  /** False once the file was found damaged, or when a read of its first pages fails. */
  async ping(): Promise<boolean> {
    if (this.damaged !== undefined) return false;
    try {
      this.guard(() => this.stmt.epoch.get(""));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
    this.lock?.release();
  }
}

/** Opens the file and checks every page (quick_check), or throws a SetupError that names it. */
function openChecked(path: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path);
    const rows = db.prepare("PRAGMA quick_check(5)").all() as Array<{ quick_check: string }>;
    if (rows.length !== 1 || rows[0].quick_check !== "ok") {
      throw new SetupError(
        `store ${path} is damaged (SQLite's quick_check: ${rows.slice(0, 3).map((r) => r.quick_check).join("; ")}): ` +
          "restore it from a backup, or move it aside to start afresh",
      );
    }
    return db;
  } catch (err) {
    if (db?.isOpen) db.close();
    if (err instanceof SetupError) throw err;
    if (sqliteCode(err) === SQLITE_NOTADB) throw new SetupError(`store ${path} is not a SQLite database: give --store a new file, or the store's own`);
    if (isDamage(err)) throw new SetupError(`store ${path} is damaged (${(err as Error).message}): restore it from a backup, or move it aside to start afresh`);
    throw new SetupError(`store ${path}: cannot open it: ${(err as Error).message}`);
  }
}

interface SummaryRow {
  key: string;
  last_end: number | null;
  windows: number;
  anomalies: number;
}

function summaryOf(r: SummaryRow): KeySummary {
  return { key: r.key, lastEnd: r.last_end, windows: r.windows, anomalies: r.anomalies };
}

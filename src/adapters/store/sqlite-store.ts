import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { deserialize, serialize } from "node:v8";
import type { Checkpoint, KeySummary, OutputRecord, StateStore } from "../types.ts";

/** Generation of keys stored but not in memory at the last checkpoint. */
const EVICTED = -1;

/**
 * The embedded store: one SQLite file through Node's built-in `node:sqlite` (no native
 * addon). State is serialized with V8's structured clone, so typed arrays in the stream
 * layer's snapshots survive as they are.
 *
 * A checkpoint is one transaction: the meta row (position, shard states, counts), the
 * state of every live key tagged with the checkpoint's generation, and the keys evicted
 * since the last one, tagged -1. Loading takes the keys of the newest generation; evicted
 * keys come back one by one through loadEvictedKey (or readEvictedKeySync in a worker).
 *
 * Calls are synchronous inside (SQLite in WAL mode answers in microseconds); the interface
 * is async because Redis and S3 implement it too.
 */
export class SqliteStateStore implements StateStore {
  readonly kind = "sqlite";
  readonly path: string;
  private readonly db: DatabaseSync;
  private generation: number;
  private readonly stmt: {
    insertResult: StatementSync;
    upsertSummary: StatementSync;
    upsertKey: StatementSync;
    putMeta: StatementSync;
    getMeta: StatementSync;
    liveKeys: StatementSync;
    getKey: StatementSync;
    keys: StatementSync;
    latest: StatementSync;
    history: StatementSync;
    pruneResults: StatementSync;
  };
  private readonly retentionMs: number;

  /** `retentionMs`: results stored longer ago than this are pruned at each checkpoint. */
  constructor(path: string, options: { retentionMs?: number } = {}) {
    this.path = path;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS checkpoint_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        position TEXT,
        shard_count INTEGER NOT NULL,
        shards BLOB NOT NULL,
        counts TEXT NOT NULL,
        taken_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS key_state (
        key TEXT PRIMARY KEY,
        generation INTEGER NOT NULL,
        state BLOB NOT NULL
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
      upsertKey: this.db.prepare(
        "INSERT INTO key_state (key, generation, state) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, state = excluded.state",
      ),
      putMeta: this.db.prepare(
        "INSERT OR REPLACE INTO checkpoint_meta (id, generation, position, shard_count, shards, counts, taken_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
      ),
      getMeta: this.db.prepare("SELECT * FROM checkpoint_meta WHERE id = 1"),
      liveKeys: this.db.prepare("SELECT key, state FROM key_state WHERE generation = ?"),
      getKey: this.db.prepare(`SELECT state FROM key_state WHERE key = ? AND generation = ${EVICTED}`),
      keys: this.db.prepare("SELECT key, last_end, windows, anomalies FROM key_summary ORDER BY key"),
      latest: this.db.prepare(
        "SELECT r.record FROM key_summary s JOIN results r ON r.id = s.latest_id WHERE s.key = ?",
      ),
      history: this.db.prepare(
        "SELECT record FROM results WHERE key = ? AND end_ts >= ? AND end_ts <= ? ORDER BY end_ts LIMIT ?",
      ),
      pruneResults: this.db.prepare("DELETE FROM results WHERE stored_at < ?"),
    };
    const meta = this.stmt.getMeta.get() as { generation: number } | undefined;
    this.generation = meta?.generation ?? 0;
  }

  async loadCheckpoint(): Promise<Checkpoint | undefined> {
    const meta = this.stmt.getMeta.get() as
      | { generation: number; position: string | null; shard_count: number; shards: Uint8Array; counts: string; taken_at: number }
      | undefined;
    if (!meta) return undefined;
    const keys = new Map<string, unknown>();
    for (const row of this.stmt.liveKeys.iterate(meta.generation) as Iterable<{ key: string; state: Uint8Array }>) {
      keys.set(row.key, deserialize(row.state));
    }
    return {
      position: meta.position === null ? undefined : JSON.parse(meta.position),
      shardCount: meta.shard_count,
      keys,
      // Evicted keys stay in the store; they are read back one by one when they return.
      evicted: new Map(),
      shards: deserialize(meta.shards) as unknown[],
      counts: JSON.parse(meta.counts),
      takenAt: meta.taken_at,
    };
  }

  async saveCheckpoint(cp: Checkpoint): Promise<void> {
    const generation = this.generation + 1;
    this.db.exec("BEGIN IMMEDIATE");
    try {
      for (const [key, state] of cp.evicted) this.stmt.upsertKey.run(key, EVICTED, serialize(state));
      for (const [key, state] of cp.keys) this.stmt.upsertKey.run(key, generation, serialize(state));
      this.stmt.putMeta.run(
        generation,
        cp.position === undefined ? null : JSON.stringify(cp.position),
        cp.shardCount,
        serialize(cp.shards),
        JSON.stringify(cp.counts),
        cp.takenAt,
      );
      this.stmt.pruneResults.run(Date.now() - this.retentionMs);
      this.db.exec("COMMIT");
      this.generation = generation;
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  async loadEvictedKey(key: string): Promise<unknown> {
    const row = this.stmt.getKey.get(key) as { state: Uint8Array } | undefined;
    return row ? deserialize(row.state) : undefined;
  }

  async appendResults(records: readonly OutputRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = Date.now();
    this.db.exec("BEGIN");
    try {
      for (const r of records) {
        if (r.type !== "window" || typeof r.id !== "string" || typeof r.key !== "string") continue;
        const end = typeof r.end === "number" ? r.end : null;
        const inserted = this.stmt.insertResult.run(r.id, r.key, end, now, JSON.stringify(r));
        // A result repeated after a crash has the same id: count it once.
        if (inserted.changes > 0) this.stmt.upsertSummary.run(r.key, end, r.anomaly === true ? 1 : 0, r.id);
      }
      this.db.exec("COMMIT");
    } catch (err) {
      this.db.exec("ROLLBACK");
      throw err;
    }
  }

  async keys(): Promise<KeySummary[]> {
    return (this.stmt.keys.all() as Array<{ key: string; last_end: number | null; windows: number; anomalies: number }>).map(
      (r) => ({ key: r.key, lastEnd: r.last_end, windows: r.windows, anomalies: r.anomalies }),
    );
  }

  async latest(key: string): Promise<OutputRecord | undefined> {
    const row = this.stmt.latest.get(key) as { record: string } | undefined;
    return row ? JSON.parse(row.record) : undefined;
  }

  async history(key: string, from: number, to: number, limit: number): Promise<OutputRecord[]> {
    return (this.stmt.history.all(key, from, to, limit) as Array<{ record: string }>).map((r) => JSON.parse(r.record));
  }

  async ping(): Promise<boolean> {
    try {
      this.db.prepare("SELECT 1").get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}

/**
 * A synchronous, read-only view of evicted key states for a worker thread: the stream
 * processor's loadKey hook is synchronous, and SQLite can answer it on the worker's own
 * connection (WAL lets it read while the main thread writes).
 */
export function openEvictedKeyReader(path: string): { read(key: string): unknown; close(): void } {
  const db = new DatabaseSync(path, { readOnly: true });
  db.exec("PRAGMA busy_timeout = 5000");
  const stmt = db.prepare(`SELECT state FROM key_state WHERE key = ? AND generation = ${EVICTED}`);
  return {
    read(key) {
      const row = stmt.get(key) as { state: Uint8Array } | undefined;
      return row ? deserialize(row.state) : undefined;
    },
    close() {
      if (db.isOpen) db.close();
    },
  };
}

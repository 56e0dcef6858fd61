/**
 * The three edges of a pipeline: where events come from (Source), where results go (Sink)
 * and where state survives a restart (StateStore). File, stdin, HTTP and the demo
 * generator implement Source here; Kafka, Redis and S3 implement the same interfaces later,
 * so every method that could touch a network returns a promise.
 */

import type { OutputRecord, RawRecord } from "../stream/types.ts";

/**
 * A place in a source to resume from, as plain JSON: a byte offset for a file, an event
 * index for the demo generator, a map of partition offsets for Kafka. `null` means the
 * source cannot be replayed (stdin, HTTP).
 */
export type SourcePosition = string | number | { [k: string]: SourcePosition } | null;

/**
 * One event as it arrived, not yet validated: the stream layer's RawRecord (raw text or
 * parsed value, where it came from, its format) plus what the runner needs.
 */
export interface SourceRecord extends RawRecord {
  /** Resuming from this position starts right after this record. */
  position: SourcePosition;
  /** When the record entered the process (performance.now() in ms): latency is measured from here. */
  arrivedAt: number;
}

export interface Source {
  /** "file", "stdin", "http", "demo": used in logs and readiness. */
  readonly kind: string;
  /**
   * True when reading again from a committed position gives the same records (file, Kafka,
   * demo). A stop may then leave records it read unprocessed: the next run reads them again.
   */
  readonly replayable: boolean;
  /** True while the source can deliver (file open, HTTP listening). */
  readonly connected: boolean;
  /**
   * Batches of records in order. The iteration ends when the source is exhausted (a file
   * at its end without follow) or closed. Not pulling is backpressure for pull sources.
   */
  batches(from: SourcePosition | undefined): AsyncIterable<SourceRecord[]>;
  /** Stop delivering (push sources refuse new input) until resume(). */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
  /**
   * Everything up to and including `position` is checkpointed and its outputs acknowledged:
   * the source may forget it (Kafka commits the offset). Sources whose position lives only in
   * the checkpoint do nothing here.
   */
  commit(position: SourcePosition): Promise<void>;
  /** Stop intake; a pending iteration ends. */
  close(): Promise<void>;
}

/** What sinks receive: the stream layer's window results, feature events and dead letters. */
export type { OutputRecord };

export interface Sink {
  readonly kind: string;
  /** Resolves once the records are durable at the destination (written, or stored). */
  write(records: readonly OutputRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything a restart needs, taken at one consistent cut: shard snapshots made after the
 * same input prefix, and the source position of the last record in that prefix.
 */
export interface Checkpoint {
  /** Source position after the last record the state includes; undefined means from the start. */
  position: SourcePosition | undefined;
  /** Number of shards the state was split over: keys are hashed onto them. */
  shardCount: number;
  /** Per key in memory: the stream layer's state for it (window contents, detector state). */
  keys: Map<string, unknown>;
  /**
   * Keys evicted from memory since the previous checkpoint, with their state. They are
   * stored with this checkpoint and not before, so a crash never mixes a newer key state
   * with an older position.
   */
  evicted: Map<string, unknown>;
  /** Shard-level state that belongs to no key (counters), one entry per shard. */
  shards: unknown[];
  /** Record counters, so "in = processed + dead-lettered + buffered" survives a restart. */
  counts: Record<string, number>;
  takenAt: number;
}

export interface KeySummary {
  key: string;
  lastEnd: number | null;
  windows: number;
  anomalies: number;
}

export interface StateStore {
  readonly kind: string;
  /** The last checkpoint, or undefined on a fresh store. */
  loadCheckpoint(): Promise<Checkpoint | undefined>;
  /** Atomically replaces the checkpoint: after it resolves, a crash restarts from here. */
  saveCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** The stored state of a key that is not in memory (evicted at or before the last checkpoint), if any. */
  loadEvictedKey(key: string): Promise<unknown>;
  /** Window results for queries; a record stored twice with the same id is kept once. */
  appendResults(records: readonly OutputRecord[]): Promise<void>;
  keys(): Promise<KeySummary[]>;
  latest(key: string): Promise<OutputRecord | undefined>;
  /** Window results of `key` whose end time lies in [from, to], oldest first, at most `limit`. */
  history(key: string, from: number, to: number, limit: number): Promise<OutputRecord[]>;
  /** Cheap round trip for readiness. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

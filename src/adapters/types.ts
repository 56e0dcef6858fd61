/**
 * The edges of a pipeline, as the runtime sees them: where events come from (Source), where
 * results go (Sink), where state survives a restart (StateStore) and where results are kept
 * beyond the store's retention (ResultArchive). The runtime reaches every adapter through
 * these interfaces only; src/service/pipeline.ts picks the implementations a config names.
 * Every method that could touch a network returns a promise.
 */

import type { OutputRecord, RawRecord } from "../stream/types.ts";
import { TdaInputError } from "../tda/types.ts";

/**
 * A place in a source to resume from, as plain JSON: a byte offset for a file, an event
 * index for the demo generator, a map of partition offsets for a partitioned log. `null`
 * means the source cannot be replayed (stdin, HTTP).
 */
export type SourcePosition = string | number | { [k: string]: SourcePosition } | null;

/**
 * Where one input came from, so that a dead letter can point back at it. The stream layer
 * carries it through untouched (as its RecordOrigin); each source fills in its own variant.
 */
export type SourceRef =
  | { kind: "file"; path: string; line: number; offset?: number }
  | { kind: "stdin"; line: number }
  | { kind: "http"; requestId: string; index: number }
  | { kind: "kafka"; topic: string; partition: number; offset: string }
  | { kind: "demo"; index: number };

/**
 * One event as it arrived, not yet validated: the stream layer's RawRecord (raw text or
 * parsed value, where it came from, its format) plus what the runner needs.
 */
export interface SourceRecord extends RawRecord {
  source: SourceRef;
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

export type OfferResult =
  | { ok: true; accepted: number }
  | { ok: false; status: 429 | 503 | 413; retryAfterSeconds: number; reason: string };

/**
 * A source fed through the service's own HTTP endpoint (POST /events): the server offers
 * each request's events, and the intake takes them whole or refuses them whole.
 */
export interface EventIntake {
  readonly paused: boolean;
  /** No room for more events until the runner catches up. */
  readonly full: boolean;
  offer(items: readonly unknown[], format: "json" | "csv" | "auto"): OfferResult;
  /** The endpoint is up (or down): the source counts as connected while it is. */
  setListening(listening: boolean): void;
}

/** What sinks receive: the stream layer's window results, feature events and dead letters. */
export type { OutputRecord };

/**
 * Where an output that arrives with its JSON text already made keeps it (a window result
 * from a worker thread): sinks that write JSON use that text instead of encoding the
 * output again (output-json.ts).
 */
export const OUTPUT_JSON_TEXT = Symbol("output JSON text");

export interface Sink {
  readonly kind: string;
  /** Resolves once the records are durable at the destination (written, or stored). */
  write(records: readonly OutputRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Everything a restart needs, taken at one consistent cut: shard snapshots made after the
 * same input prefix, and the source position of the last record in that prefix. Values are
 * plain data as structured clone knows it (numbers including NaN and ±Infinity, strings,
 * arrays, plain objects, Maps, typed arrays): a store gives them back as they were saved.
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

/**
 * The name of the one state partition of a source that is not partitioned (file, stdin,
 * HTTP, demo). A partitioned source (Kafka) keeps one state partition per log partition.
 */
export const WHOLE_STATE = "all";

/** A write through a lease that a newer claim on the same partition has replaced. */
export class StaleEpochError extends Error {
  readonly partition: string;
  readonly epoch: number;
  readonly current: number;
  constructor(partition: string, epoch: number, current: number) {
    super(`state partition ${JSON.stringify(partition)}: epoch ${epoch} was replaced by epoch ${current}; another owner took it over`);
    this.name = "StaleEpochError";
    this.partition = partition;
    this.epoch = epoch;
    this.current = current;
  }
}

/**
 * Ownership of one state partition: its checkpoint (the state together with the source
 * position it covers, saved as one atomic write) and the states of its keys evicted from
 * memory. Writes are fenced: once a newer lease on the same partition exists, save() fails
 * with StaleEpochError and stores nothing, so an owner that lost its partition cannot
 * overwrite its successor's state. Reads are not fenced.
 */
export interface StateLease {
  readonly partition: string;
  /** Higher than the epoch of every earlier claim on this partition, in this store. */
  readonly epoch: number;
  /** The partition's last checkpoint, or undefined if none was saved. `evicted` comes back empty: see loadEvictedKeys. */
  load(): Promise<Checkpoint | undefined>;
  /** Atomically replaces the checkpoint: after it resolves, a crash restarts from here. */
  save(checkpoint: Checkpoint): Promise<void>;
  /**
   * The stored states of those of `keys` that were evicted from memory at or before the
   * last checkpoint (and not live again in a later one); keys without one are left out.
   */
  loadEvictedKeys(keys: readonly string[]): Promise<Map<string, unknown>>;
}

/** One page of keys in key order: those after `after` (exclusive), at most `limit`. */
export interface KeyPage {
  after?: string;
  limit: number;
}

/**
 * Where a page of history goes on: the end time and id of the last result of the page
 * before (results are ordered by end time, then id).
 */
export interface HistoryCursor {
  end: number;
  id: string;
}

export interface HistoryPage {
  /** "asc" (default): oldest first; "desc": newest first. */
  order?: "asc" | "desc";
  /** Continue after this result, in the order asked. */
  after?: HistoryCursor;
}

export interface StateStore {
  readonly kind: string;
  /** False when the state lives only as long as this process (the in-memory store). */
  readonly durable: boolean;
  /** Takes over a state partition (WHOLE_STATE, or one per log partition): every earlier lease on it is fenced. */
  claim(partition: string): Promise<StateLease>;
  /** Window results for queries; a record stored twice with the same id is kept once. Other records are ignored. */
  appendResults(records: readonly OutputRecord[]): Promise<void>;
  /** Summaries of every key with results, in key order; or one page of them. */
  keys(page?: KeyPage): Promise<KeySummary[]>;
  /** Summaries of these keys (those that have results), in key order. */
  keySummaries(keys: readonly string[]): Promise<KeySummary[]>;
  /** The stored window result of `key` with the latest end time. */
  latest(key: string): Promise<OutputRecord | undefined>;
  /** Window results of `key` whose end time lies in [from, to], oldest first (or as `page` asks), at most `limit`. */
  history(key: string, from: number, to: number, limit: number, page?: HistoryPage): Promise<OutputRecord[]>;
  /** Cheap round trip for readiness. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * One state partition as a backup holds it: its checkpoint, with every evicted key's state in
 * `evicted` (not only those of the last checkpoint), and the epoch of its last claim.
 */
export interface PartitionState {
  partition: string;
  epoch: number;
  checkpoint: Checkpoint;
}

/**
 * A store shared by several instances (Redis), whose state is copied out and written back
 * partition by partition rather than as a file.
 */
export interface PartitionedStateCopy {
  /** The state partitions that hold a checkpoint, sorted. */
  statePartitions(): Promise<string[]>;
  /** The epoch of each partition's last claim; 0 for one never claimed. */
  epochs(partitions: readonly string[]): Promise<Map<string, number>>;
  /** One partition's whole state, read at one instant (a save is in it whole or not at all); undefined without a checkpoint. */
  readPartition(partition: string): Promise<PartitionState | undefined>;
  /**
   * Replaces the whole state of every partition given, all or nothing, and only if each
   * partition's epoch is still the `epoch` given with it (no instance claimed it since it was
   * read). Each epoch is then raised by one, as a claim raises it: a lease taken before is
   * fenced, and the next claim loads the state written here. Otherwise nothing is written and
   * StaleEpochError names the partition claimed meanwhile. Partitions not given are left alone.
   */
  replacePartitions(states: readonly PartitionState[]): Promise<void>;
}

/**
 * Window results kept beyond the store's retention (an object store, in batched and
 * compressed objects under key and time prefixes). Appending hands results over for
 * archiving and must not hold the pipeline up for long; history answers for any time.
 */
export interface ResultArchive {
  readonly kind: string;
  /** Takes window results (other records are ignored); resolves once they are queued or written. */
  append(records: readonly OutputRecord[]): Promise<void>;
  /** Archived window results of `key` whose end time lies in [from, to], oldest first, at most `limit`. */
  history(key: string, from: number, to: number, limit: number): Promise<OutputRecord[]>;
  ping(): Promise<boolean>;
  /** Writes what is queued, then releases the connection. */
  close(): Promise<void>;
}

/**
 * A log split in partitions that a group of instances shares (Kafka's topic and consumer
 * group). The runtime reads the partitions this instance holds through a Source opened for
 * exactly them, and opens another when the assignment changes.
 */
export interface PartitionedInput {
  readonly kind: string;
  /** The log's name (the topic): a label in metrics and part of each state partition's name. */
  readonly name: string;
  /** False while the connection to the log is down. */
  readonly connected: boolean;
  /** Joins the group; resolves once the first assignment is known. */
  join(): Promise<void>;
  /** The partitions this instance holds now, ascending. */
  assigned(): readonly number[];
  /** Called whenever the assignment changes (the client tells no revoke or assign on its own). */
  onChange(listener: (partitions: readonly number[]) => void): void;
  /**
   * Reads exactly `partitions`, each from the offset in the position given to batches(), or
   * from its earliest record when the position has none. Records carry, as position, the
   * next offset of every partition read.
   */
  open(partitions: readonly number[]): Source;
  /** The partition a record of open()'s sources came from. */
  partitionOf(record: SourceRecord): number | undefined;
  /** Per partition, the offset the next appended record will get (for the lag). */
  endOffsets(): Promise<Map<number, number>>;
  close(): Promise<void>;
}

/**
 * Where the network-backed adapters (Redis, S3) report each operation: its name, how long it
 * took, whether it failed. The service turns these into metrics; adapters know no metrics
 * library.
 */
export interface OperationRecorder {
  record(system: "redis" | "s3", operation: string, seconds: number, failed: boolean): void;
}

/**
 * A fault in the setup that the operator can fix: a path that cannot be opened, a port in
 * use, a store that another process holds or that is damaged, a file that is not the one a
 * checkpoint was taken on. The message names the path, host or port and what to do; the
 * service reports it as one line with the configuration exit status, not as an internal error.
 */
export class SetupError extends TdaInputError {
  override name = "SetupError";
}

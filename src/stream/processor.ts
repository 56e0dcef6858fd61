/**
 * The stream processor: raw records in, window results, feature events and dead letters out.
 *
 * One processor owns a set of keys; everything it does is synchronous and deterministic,
 * so the same records in the same order give the same outputs (with the same ids), and a
 * processor restored from `snapshot()` continues exactly as the original would have.
 * Worker threads shard keys over several processors; the processor itself uses no Node API.
 */
import { resolveConfig, type ResolvedConfig } from "./config.ts";
import { KeyStream } from "./key-stream.ts";
import { newCounts, type CountsBook } from "./counts.ts";
import { readEvent, type ParsedEvent } from "./validate.ts";
import type { KeyState, OutputRecord, RawRecord, StreamConfig, StreamCounts, StreamState } from "./types.ts";
import { TdaInputError } from "../tda/types.ts";

export interface ProcessorHooks {
  /**
   * Called (synchronously) for an event of a key that is not in memory, before a fresh key
   * is started: return the key's checkpointed state, if there is one.
   */
  loadKey?: (key: string) => KeyState | undefined;
  /**
   * With this hook, `ingest` itself evicts the least recently used keys once there are more
   * than `maxKeys` (down to 90% of it) and hands each one here for checkpointing, after
   * appending what the eviction completed to the outputs. Without it, call `evictIdle()`
   * now and then.
   */
  onEvict?: (key: string, state: KeyState) => void;
}

export class StreamProcessor {
  readonly config: ResolvedConfig;
  private readonly hooks: ProcessorHooks;
  private readonly keyStreams = new Map<string, KeyStream>();
  private readonly book: CountsBook;
  private useCounter = 0;
  /** Reused for every event: validation writes into it instead of allocating. */
  private readonly parsed: ParsedEvent = { key: "", ts: 0, scalar: 0, vector: null };

  /** Throws TdaInputError when the config is unusable (the message names the field). */
  constructor(config: StreamConfig, hooks: ProcessorHooks = {}) {
    this.config = resolveConfig(config);
    this.hooks = hooks;
    this.book = newCounts();
  }

  /**
   * Validates one record and feeds it to its key's windows. Returns what it caused, in
   * order: a dead letter, or the results of the windows it completed (each window result
   * followed by its feature events). Never throws for bad input.
   */
  ingest(record: RawRecord): OutputRecord[] {
    const out: OutputRecord[] = [];
    this.ingestInto(record, out);
    return out;
  }

  /** `ingest` for many records, outputs appended to one array. */
  ingestBatch(records: readonly RawRecord[]): OutputRecord[] {
    const out: OutputRecord[] = [];
    for (let r = 0; r < records.length; r++) this.ingestInto(records[r], out);
    return out;
  }

  private ingestInto(record: RawRecord, out: OutputRecord[]): void {
    const counts = this.book;
    counts.received++;
    const deadLetter = readEvent(record, this.config, this.parsed);
    if (deadLetter !== null) {
      this.book.deadLetter(deadLetter);
      out.push(deadLetter);
      return;
    }
    const key = this.parsed.key;
    const stream = this.keyStream(key);
    stream.lastUsed = ++this.useCounter;
    stream.accept(this.parsed, record, out, this.book);
    if (this.hooks.onEvict !== undefined && this.keyStreams.size > this.config.maxKeys) {
      // Down to 90% of the cap, so a stream of new keys does not sort all keys on every event.
      for (const evicted of this.evictIdle(Math.max(1, Math.floor(this.config.maxKeys * 0.9)))) {
        for (const output of evicted.outputs) out.push(output);
        this.hooks.onEvict(evicted.key, evicted.state);
      }
    }
  }

  /**
   * Places every event still held for reordering, as if each key's watermark had passed it.
   * With `endOfInput` (a finite input is done: no event will follow), it also emits every
   * open time window that holds a point, as if event time had passed them all; an event that
   * comes after that still counts but can no longer join those windows. Without it, open time
   * windows stay open (their end lies in the future), so a stream can go on exactly. Partial
   * count windows are never emitted.
   */
  flush(endOfInput = false): OutputRecord[] {
    const out: OutputRecord[] = [];
    for (const stream of this.keyStreams.values()) {
      if (endOfInput) stream.closeAll(out, this.book);
      else stream.releaseAll(out, this.book);
    }
    return out;
  }

  /** Counts so far; received = processed + deadLettered + dropped + buffered always holds. */
  counts(): StreamCounts {
    return this.book.view();
  }

  /** Number of keys in memory. */
  get liveKeys(): number {
    return this.keyStreams.size;
  }

  hasKey(key: string): boolean {
    return this.keyStreams.has(key);
  }

  keys(): string[] {
    return [...this.keyStreams.keys()];
  }

  /**
   * Evicts the least recently used keys until at most `maxKeys` (default: the configured
   * cap) remain, and returns their state for checkpointing. An evicted key's reorder buffer
   * is released into its windows first (its events count as processed), so the counts
   * still add up without it; what that release completes is in `outputs`, to be emitted.
   */
  evictIdle(maxKeys = this.config.maxKeys): Array<{ key: string; state: KeyState; outputs: OutputRecord[] }> {
    const evicted: Array<{ key: string; state: KeyState; outputs: OutputRecord[] }> = [];
    if (this.keyStreams.size <= maxKeys) return evicted;
    const byAge = [...this.keyStreams.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (let i = 0; i < byAge.length && this.keyStreams.size > maxKeys; i++) {
      const [key, stream] = byAge[i];
      const outputs: OutputRecord[] = [];
      stream.releaseAll(outputs, this.book);
      evicted.push({ key, state: stream.toState(), outputs });
      this.keyStreams.delete(key);
    }
    return evicted;
  }

  /** Puts a key's checkpointed state (from `evictIdle` or `snapshot`) back in memory. */
  restoreKey(key: string, state: KeyState): void {
    const stream = KeyStream.fromState(key, state, this.config);
    stream.lastUsed = ++this.useCounter;
    this.keyStreams.set(key, stream);
  }

  /** The whole state as plain JSON-able data: counts and every key in memory. */
  snapshot(): StreamState {
    const keys: Record<string, KeyState> = {};
    for (const [key, stream] of this.keyStreams) keys[key] = stream.toState();
    return { version: 1, counts: this.book.view(), useCounter: this.useCounter, keys };
  }

  /** A processor that continues from `state` exactly as the one that took the snapshot. */
  static restore(config: StreamConfig, state: StreamState, hooks: ProcessorHooks = {}): StreamProcessor {
    if (state === null || typeof state !== "object" || state.version !== 1) {
      throw new TdaInputError(`stream state: version ${JSON.stringify((state as { version?: unknown })?.version)} is not 1; this checkpoint was written by another version`);
    }
    const processor = new StreamProcessor(config, hooks);
    processor.book.load(state.counts);
    processor.useCounter = state.useCounter;
    for (const [key, keyState] of Object.entries(state.keys)) {
      const stream = KeyStream.fromState(key, keyState, processor.config);
      processor.keyStreams.set(key, stream);
    }
    return processor;
  }

  private keyStream(key: string): KeyStream {
    let stream = this.keyStreams.get(key);
    if (stream === undefined) {
      const saved = this.hooks.loadKey?.(key);
      stream = saved !== undefined ? KeyStream.fromState(key, saved, this.config) : new KeyStream(key, this.config);
      this.keyStreams.set(key, stream);
    }
    return stream;
  }
}

import { performance } from "node:perf_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import { WHOLE_STATE, type OutputRecord, type Sink, type Source, type SourcePosition, type SourceRecord, type StateLease, type StateStore } from "../../adapters/types.ts";
import { resolveConfig } from "../../stream/config.ts";
import type { RawRecord, StreamConfig, StreamCounts } from "../../stream/types.ts";
import { addCounts, emptyCounts, joinSnapshots, splitState } from "./checkpoint-state.ts";
import type { Logger } from "./logger.ts";
import type { PipelineMetrics } from "./metrics.ts";
import { routeKey } from "./route-key.ts";
import type { ShardBatchResult, ShardInit } from "./shard-core.ts";
import { GroupedWrites } from "./grouped-writes.ts";
import { InlineShard, shardOf, WorkerShard, type Shard } from "./shard.ts";

export interface RunnerOptions {
  stream: StreamConfig;
  source: Source;
  /** Every output batch goes to each sink; a batch counts as acknowledged when all have it. */
  sinks: Sink[];
  /** Checkpoints and evicted keys' states: the runner claims the whole state of the source. */
  store: StateStore;
  /** Shards in worker threads; 0 computes on the main thread. */
  workers: number;
  /** Milliseconds between checkpoints (there is always one more at the end). */
  checkpointIntervalMs: number;
  /** Events handed to shards and not yet acknowledged by the sinks; intake waits above it. */
  maxInFlight: number;
  metrics: PipelineMetrics;
  logger: Logger;
}

/** One dispatched batch's shard results, on their way to the sinks. */
interface WrittenBatch {
  answers: Array<ShardBatchResult | undefined>;
  arrivals: number[][];
  events: number;
  seq: number;
}

export type RunnerState = "starting" | "running" | "paused" | "stopping" | "stopped" | "failed";

/**
 * The pipeline: pulls batches from the source, splits them by key over the shards, writes
 * what they produce to the sinks in input order, and checkpoints.
 *
 * Checkpoint protocol: at a barrier the runner notes the position of the last record it has
 * dispatched and asks every shard for a snapshot; each shard answers after the batches sent
 * before the request, so the snapshots hold exactly the input up to that position. Once
 * the sinks have acknowledged every output of that input, the store writes the snapshots
 * and the position in one transaction, and only then is the position committed to the
 * source. A crash at any point restarts from a state and a position that agree; outputs
 * produced again carry the ids they had (the processor is deterministic).
 */
export class PipelineRunner {
  state: RunnerState = "starting";
  private readonly options: RunnerOptions;
  private lease!: StateLease;
  private shards: Shard[] = [];
  private shardCount = 0;
  /** Per shard, the counts of its last answer (counts are cumulative). */
  private shardCounts: StreamCounts[] = [];
  private shardLiveKeys: number[] = [];
  /** Per shard, evicted keys' states held until a checkpoint stores them (from its last answer). */
  private shardPendingEvicted: number[] = [];
  /** stream.maxKeys: live keys in the whole process, split evenly over the shards. */
  private maxKeys = 0;
  /** stream.maxDim, as the window-compute metric's label. */
  private maxDim = 1;
  private inFlight = 0;
  /** Batches are numbered from 1 as they are dispatched. */
  private batchSeq = 0;
  /** Source position after each dispatched batch not yet acknowledged. */
  private readonly batchPositions = new Map<number, SourcePosition>();
  private lastAckedSeq = 0;
  private lastAckedPosition: SourcePosition | undefined;
  /** Set by a stop on a replayable source: batches after it are left for the next run. */
  private cut: { seq: number; position: SourcePosition | undefined } | undefined;
  private lastDispatched: SourcePosition | undefined;
  private lastCommitted: SourcePosition | undefined;
  /** Resolves when every batch dispatched so far has been written to the sinks. */
  private sinkTail: Promise<void> = Promise.resolve();
  private readonly writes = new GroupedWrites<WrittenBatch>((batches) => this.writeGroup(batches));
  private enabled = true;
  private stopping = false;
  private checkpointing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private finished!: Promise<void>;
  lastCheckpointAt = 0;
  checkpointsWritten = 0;

  constructor(options: RunnerOptions) {
    this.options = options;
  }

  /** Restores the last checkpoint, starts the shards and the intake loop. */
  async start(): Promise<void> {
    const { store, stream, workers, logger } = this.options;
    // Claiming fences any earlier owner of this state: its checkpoints can no longer land.
    this.lease = await store.claim(WHOLE_STATE);
    const checkpoint = await this.lease.load();
    this.shardCount = Math.max(1, workers);
    const states = splitState(checkpoint, this.shardCount);
    // Keys are hashed evenly over the shards, so each holds its share of the cap: the whole
    // process never holds more than maxKeys (a skewed key set evicts a little early).
    const resolved = resolveConfig(stream);
    this.maxKeys = resolved.maxKeys;
    this.maxDim = resolved.maxDim;
    const shardStream: StreamConfig = { ...stream, maxKeys: Math.max(1, Math.floor(this.maxKeys / this.shardCount)) };
    const loadKeys = (keys: string[]) => this.lease.loadEvictedKeys(keys);
    this.shards = states.map((state) => {
      const init: ShardInit = { config: shardStream, state };
      return workers > 0 ? new WorkerShard(init, loadKeys) : new InlineShard(init, loadKeys);
    });
    this.shardCounts = states.map((s) => s?.counts ?? emptyCounts());
    this.shardLiveKeys = states.map((s) => (s ? Object.keys(s.keys).length : 0));
    this.shardPendingEvicted = states.map(() => 0);
    this.lastDispatched = checkpoint?.position;
    this.lastAckedPosition = checkpoint?.position;
    this.lastCommitted = checkpoint?.position;
    this.options.metrics.activeKeys.set(sum(this.shardLiveKeys));
    if (checkpoint) {
      logger.info("restored checkpoint", { position: checkpoint.position, keys: checkpoint.keys.size, takenAt: new Date(checkpoint.takenAt).toISOString() });
    }
    this.state = this.enabled ? "running" : "paused";
    this.timer = setInterval(() => void this.checkpoint().catch((err) => this.fail(err)), this.options.checkpointIntervalMs);
    this.timer.unref();
    this.finished = this.intake(checkpoint?.position);
  }

  /** Resolves when the input has ended (and the final checkpoint is written) or stop() finished. */
  get done(): Promise<void> {
    return this.finished;
  }

  get paused(): boolean {
    return !this.enabled;
  }

  /**
   * Intake waits: too many events in flight, or evicted keys' states piling up (twice
   * maxKeys) while a checkpoint that will store them is under way.
   */
  get overloaded(): boolean {
    return this.inFlight >= this.options.maxInFlight || (this.checkpointing !== undefined && sum(this.shardPendingEvicted) >= 2 * this.maxKeys);
  }

  get inFlightEvents(): number {
    return this.inFlight;
  }

  /** Position after the last batch whose outputs every sink acknowledged. */
  get acknowledgedPosition(): SourcePosition | undefined {
    return this.lastAckedPosition;
  }

  get committedPosition(): SourcePosition | undefined {
    return this.lastCommitted;
  }

  counts(): StreamCounts {
    return addCounts(this.shardCounts);
  }

  get liveKeys(): number {
    return sum(this.shardLiveKeys);
  }

  /** The streaming_tda_enabled flag: false stops intake (state kept), true resumes. */
  setEnabled(enabled: boolean): void {
    if (this.enabled === enabled) return;
    this.enabled = enabled;
    this.options.metrics.paused.set(enabled ? 0 : 1);
    if (enabled) this.options.source.resume();
    else this.options.source.pause();
    if (this.state === "running" || this.state === "paused") this.state = enabled ? "running" : "paused";
    this.options.logger.info(enabled ? "processing resumed" : "processing paused", { flag: "streaming_tda_enabled" });
    this.poke();
  }

  /**
   * Stops intake, writes the outputs of what the shards have started, and checkpoints. With
   * a replayable source the batches still queued are left for the next run (it reads them
   * again), so a stop takes about one batch of work, not a whole queue; other sources' queued
   * events are all processed first.
   */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      if (this.state !== "failed") this.state = "stopping";
      if (this.options.source.replayable) this.cutQueuedBatches();
      await this.options.source.close();
      this.poke();
    }
    await this.finished.catch(() => undefined);
  }

  private cutQueuedBatches(): void {
    if (this.shards.length === 0) return;
    const started = this.shards.map((s) => s.freeze());
    const seq = Math.max(this.lastAckedSeq, ...started);
    for (const shard of this.shards) shard.setCut(seq);
    const position = seq === this.lastAckedSeq ? this.lastAckedPosition : this.batchPositions.get(seq);
    this.cut = { seq, position };
    this.options.logger.info("stop: queued batches left for the next run", { cutBatch: seq, dispatchedBatch: this.batchSeq });
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForChange(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private async intake(from: SourcePosition | undefined): Promise<void> {
    const { source, logger } = this.options;
    try {
      for await (const batch of source.batches(from)) {
        while ((!this.enabled || this.overloaded) && !this.stopping && !this.failure) {
          if (!this.enabled && !source.paused) source.pause();
          await this.waitForChange();
        }
        if (this.failure) break;
        // A batch read after a stop's cut is left for the next run (the source replays it);
        // without a cut (HTTP, stdin) it is processed: it would otherwise be lost.
        if (batch.length > 0 && this.cut === undefined) this.dispatch(batch);
        // A replayable source stops here; any other is drained (close() ends its iteration
        // once what it accepted is delivered).
        if (this.stopping && (this.cut !== undefined || this.failure)) break;
        // A source and shards that never wait for I/O (the demo generator, inline shards)
        // would otherwise keep this loop in microtasks and starve timers and HTTP.
        await nextTurn();
      }
      if (this.failure) throw this.failure;
      await this.sinkTail;
      if (!this.stopping) {
        // The input has ended: release events held for reordering, then the last checkpoint.
        this.writeInOrder(Promise.all(this.shards.map((s) => s.flush())), []);
        await this.sinkTail;
      }
      await this.checkpoint();
      this.state = "stopped";
      logger.info("pipeline finished", { ...this.counts(), stopped: this.stopping });
    } catch (err) {
      this.state = "failed";
      this.failure ??= err as Error;
      logger.error("pipeline failed", { err: this.failure });
      throw this.failure;
    } finally {
      if (this.timer) clearInterval(this.timer);
      await Promise.all(this.shards.map((s) => s.close()));
    }
  }

  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    this.stopping = true;
    void this.options.source.close();
    this.poke();
  }

  private dispatch(batch: SourceRecord[]): void {
    const n = batch.length;
    const perShard: RawRecord[][] = [];
    const arrivals: number[][] = [];
    for (let s = 0; s < this.shardCount; s++) {
      perShard.push([]);
      arrivals.push([]);
    }
    for (let i = 0; i < n; i++) {
      const rec = batch[i];
      const s = this.shardCount === 1 ? 0 : shardOf(routeKey(rec), this.shardCount);
      perShard[s].push({ raw: rec.raw, source: rec.source, format: rec.format });
      arrivals[s].push(rec.arrivedAt);
    }
    const seq = ++this.batchSeq;
    this.lastDispatched = batch[n - 1].position;
    this.batchPositions.set(seq, this.lastDispatched);
    this.inFlight += n;
    this.options.metrics.inFlight.set(this.inFlight);
    const results = Promise.all(
      perShard.map((records, s) => (records.length > 0 ? this.shards[s].process(seq, records) : undefined)),
    );
    this.writeInOrder(results, arrivals, n, seq);
  }

  /**
   * Queues this batch's outputs for the sinks, after every earlier batch's: outputs reach the
   * sinks in input order per key. Batches whose results are ready while a write is out go
   * together in the next write (one round trip to each sink for all of them).
   */
  private writeInOrder(results: Promise<Array<ShardBatchResult | undefined>>, arrivals: number[][], events = 0, seq = 0): void {
    this.sinkTail = this.writes.add(results.then((answers) => ({ answers, arrivals, events, seq })));
    this.sinkTail.catch((err) => this.fail(err));
  }

  private async writeGroup(batches: WrittenBatch[]): Promise<void> {
    const { sinks, metrics } = this.options;
    const outputs: OutputRecord[] = [];
    const latencyFrom: number[] = [];
    for (const { answers, arrivals } of batches) {
      answers.forEach((answer, s) => {
        if (!answer) return;
        this.noteCounts(s, answer);
        for (let i = 0; i < answer.outputs.length; i++) {
          const output = answer.outputs[i];
          outputs.push(output);
          if (output.type === "window") {
            if (arrivals[s]) latencyFrom.push(arrivals[s][answer.causes[i]]);
            metrics.windowCompute.observe({ scale: output.scale, dim: String(this.maxDim) }, answer.computeSeconds[i]);
            if (output.anomaly) metrics.anomalies.inc();
          } else if (output.type === "dead_letter") {
            metrics.eventsFailed.inc({ reason: output.reason });
          }
        }
      });
    }
    if (outputs.length > 0) await Promise.all(sinks.map((sink) => sink.write(outputs)));
    const now = performance.now();
    for (const t of latencyFrom) metrics.observeLatency((now - t) / 1000);
    metrics.windows.inc(latencyFrom.length);
    for (const { events, seq } of batches) {
      this.inFlight -= events;
      if (seq > 0) {
        if (this.cut === undefined || seq <= this.cut.seq) {
          this.lastAckedSeq = seq;
          this.lastAckedPosition = this.batchPositions.get(seq);
        }
        this.batchPositions.delete(seq);
      }
    }
    metrics.inFlight.set(this.inFlight);
    this.poke();
  }

  private noteCounts(shard: number, answer: ShardBatchResult): void {
    const before = this.shardCounts[shard];
    const after = answer.counts;
    const { metrics } = this.options;
    if (after.processed > before.processed) metrics.eventsProcessed.inc(after.processed - before.processed);
    if (after.dropped > before.dropped) metrics.eventsFailed.inc({ reason: "late_dropped" }, after.dropped - before.dropped);
    this.shardCounts[shard] = after;
    this.shardLiveKeys[shard] = answer.liveKeys;
    metrics.activeKeys.set(sum(this.shardLiveKeys));
    this.shardPendingEvicted[shard] = answer.pendingEvicted;
    // Evicted keys' states wait in memory for a checkpoint: once there are as many as maxKeys,
    // one is taken now rather than at the interval, so many new keys cannot outgrow the cap.
    if (this.checkpointing === undefined && !this.stopping && sum(this.shardPendingEvicted) >= this.maxKeys) {
      void this.checkpoint().catch((err) => this.fail(err));
    }
  }

  /** One checkpoint at a time; a call during one waits for it and takes the next. */
  async checkpoint(): Promise<void> {
    while (this.checkpointing) await this.checkpointing;
    if (this.failure) return;
    this.checkpointing = this.takeCheckpoint().finally(() => {
      this.checkpointing = undefined;
    });
    return this.checkpointing;
  }

  private async takeCheckpoint(): Promise<void> {
    const started = performance.now();
    // The barrier: everything dispatched so far, and nothing after; after a stop's cut, the cut.
    const barrierSeq = this.cut?.seq ?? this.batchSeq;
    const position = this.cut ? this.cut.position : this.lastDispatched;
    const acknowledged = this.sinkTail;
    const snapshots = await Promise.all(this.shards.map((s) => s.snapshot()));
    await acknowledged;
    if (this.cut !== undefined && barrierSeq > this.cut.seq) {
      // A stop cut below this barrier meanwhile: these snapshots lack batches the position
      // claims. The stop's own checkpoint follows.
      return;
    }
    const checkpoint = joinSnapshots(snapshots, position, this.shardCount);
    await this.lease.save(checkpoint);
    for (const shard of this.shards) shard.confirmSnapshot();
    snapshots.forEach((snap, s) => {
      this.shardPendingEvicted[s] = Math.max(0, this.shardPendingEvicted[s] - Object.keys(snap.evicted).length);
    });
    this.poke();
    if (position !== undefined) await this.options.source.commit(position);
    this.lastCommitted = position;
    this.lastCheckpointAt = Date.now();
    this.checkpointsWritten++;
    this.options.metrics.checkpoints.inc();
    this.options.metrics.checkpointSeconds.observe((performance.now() - started) / 1000);
    this.options.logger.debug("checkpoint", { position, keys: checkpoint.keys.size, evicted: checkpoint.evicted.size });
  }
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

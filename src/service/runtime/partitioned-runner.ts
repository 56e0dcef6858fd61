import { setTimeout as sleep } from "node:timers/promises";
import { StaleEpochError, type PartitionedInput, type SourcePosition, type StateStore } from "../../adapters/types.ts";
import type { StreamCounts } from "../../stream/types.ts";
import { addCounts, emptyCounts } from "./checkpoint-state.ts";
import { PartitionTrackingSource } from "./partition-source.ts";
import { PartitionedStateView, type KeyPartitions } from "./partition-state.ts";
import { PipelineRunner, type RunnerOptions, type RunnerState } from "./runner.ts";

export interface PartitionedRunnerOptions extends Omit<RunnerOptions, "source" | "store"> {
  input: PartitionedInput;
  store: StateStore;
  /** Wait before starting again after a failure (Redis or the broker away, a partition fenced). */
  restartDelayMs?: number;
  /** A partition whose state another instance fenced is left alone this long, unless the assignment changes first. */
  fencedHoldMs?: number;
  /** How often the consumer lag is measured. */
  lagIntervalMs?: number;
}

/** The state partition that holds the state of a partition of a log (a Kafka topic). */
export function logStatePartition(log: string, partition: number): string {
  return `kafka:${log}:${partition}`;
}

/**
 * The runner for a partitioned input (Kafka): one PipelineRunner at a time, over the
 * partitions this instance holds. When the assignment changes, the runner is stopped (its
 * outputs acknowledged, each partition's state checkpointed with its offset and the offsets
 * committed) and a new one starts over the new partitions: it claims each partition's state
 * (fencing its previous owner), restores it, and reads each partition from the offset
 * stored with it. A revocation the client never reported costs repeats, not losses: the
 * successor resumes from the offset that its state covers, and outputs produced again carry
 * the same ids.
 *
 * A runner that fails (Redis or the broker gone, a partition fenced by another instance) is
 * replaced the same way after restartDelayMs.
 */
export class PartitionedRunner {
  state: RunnerState = "starting";
  private readonly options: PartitionedRunnerOptions;
  private runner: PipelineRunner | undefined;
  /** The runner being stopped for a rebalance or recovery, until its counts join previousCounts. */
  private stoppingRunner: PipelineRunner | undefined;
  private readonly keyPartitions: KeyPartitions = new Map();
  /** Partitions fenced by another owner, with the time until which they are left alone. */
  private readonly fenced = new Map<number, number>();
  private enabled = true;
  private stopping = false;
  private queue: Promise<void> = Promise.resolve();
  private restartQueued = false;
  private lagTimer: NodeJS.Timeout | undefined;
  private measuringLag = false;
  private previousCounts: StreamCounts = emptyCounts();
  private currentPartitions: number[] = [];
  private stopped!: () => void;
  /** Resolves when stop() has finished. */
  readonly done: Promise<void> = new Promise((resolve) => (this.stopped = resolve));
  /** Runners started so far (the first, and one per rebalance or recovery). */
  generations = 0;
  /** Largest total lag measured over this instance's partitions. */
  maxLag = 0;

  constructor(options: PartitionedRunnerOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { input } = this.options;
    await input.join();
    input.onChange(() => {
      this.fenced.clear();
      this.options.metrics.kafkaRebalances.inc();
      this.scheduleRestart("assignment changed");
    });
    await this.restart("start");
    this.lagTimer = setInterval(() => {
      // One measurement at a time: a broker slow to answer does not pile requests up.
      if (this.measuringLag) return;
      this.measuringLag = true;
      void this.measureLag()
        .catch((err: Error) => this.options.logger.debug("consumer lag not measured", { err: err.message }))
        .finally(() => (this.measuringLag = false));
    }, this.options.lagIntervalMs ?? 1000);
    this.lagTimer.unref();
  }

  get current(): PipelineRunner | undefined {
    return this.runner;
  }

  get paused(): boolean {
    return !this.enabled;
  }

  get overloaded(): boolean {
    return this.runner?.overloaded ?? false;
  }

  get inFlightEvents(): number {
    return this.runner?.inFlightEvents ?? 0;
  }

  /** The current runner's checkpoints (a rebalance starts another runner, and the count anew). */
  get checkpointsWritten(): number {
    return this.runner?.checkpointsWritten ?? 0;
  }

  get lastCheckpointAt(): number {
    return this.runner?.lastCheckpointAt ?? 0;
  }

  get liveKeys(): number {
    return this.runner?.liveKeys ?? 0;
  }

  /**
   * Counts of every runner so far (a restored partition's counters start at zero on this
   * instance), the one stopping for a rebalance included: they never go back.
   */
  counts(): StreamCounts {
    const running = [this.stoppingRunner, this.runner].filter((r): r is PipelineRunner => r !== undefined);
    return running.length === 0 ? this.previousCounts : addCounts([this.previousCounts, ...running.map((r) => r.counts())]);
  }

  /** Checkpoints the current runner's partitions now. */
  async checkpoint(): Promise<void> {
    await this.runner?.checkpoint();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.runner?.setEnabled(enabled);
  }

  /** The partitions the current runner processes. */
  partitions(): number[] {
    return this.runner ? [...this.currentPartitions] : [];
  }

  private scheduleRestart(reason: string, delayMs = 0): void {
    if (this.stopping || this.restartQueued) return;
    this.restartQueued = true;
    this.queue = this.queue.then(async () => {
      if (delayMs > 0) await sleep(delayMs);
      this.restartQueued = false;
      await this.restart(reason);
    });
  }

  private async restart(reason: string): Promise<void> {
    if (this.stopping) return;
    const { input, store, metrics, logger } = this.options;
    await this.stopRunner();
    if (this.stopping) return;
    const now = Date.now();
    const partitions = input.assigned().filter((p) => (this.fenced.get(p) ?? 0) <= now);
    for (const [key, p] of this.keyPartitions) if (!partitions.includes(p)) this.keyPartitions.delete(key);
    const names = new Map(partitions.map((p) => [p, logStatePartition(input.name, p)] as const));
    const view = new PartitionedStateView(store, names, this.keyPartitions);
    const source = new PartitionTrackingSource(input.open(partitions), input, this.keyPartitions, metrics, logger);
    const runner = new PipelineRunner({ ...this.options, source, store: view });
    this.runner = runner;
    this.currentPartitions = partitions;
    this.generations++;
    metrics.kafkaAssignedPartitions.set(partitions.length);
    logger.info("partitions assigned", { reason, partitions, held: input.assigned() });
    try {
      await runner.start();
    } catch (err) {
      logger.warn("could not start on the assigned partitions; retrying", { err: (err as Error).message });
      this.runner = undefined;
      await source.close().catch(() => undefined);
      this.scheduleRestart("retry after a failed start", this.options.restartDelayMs ?? 1000);
      return;
    }
    if (!this.enabled) runner.setEnabled(false);
    this.state = "running";
    runner.done.then(
      () => {
        if (this.runner === runner && !this.stopping) this.scheduleRestart("runner ended");
      },
      (err: Error) => {
        if (this.runner !== runner || this.stopping) return;
        if (err instanceof StaleEpochError) {
          const p = Number(err.partition.split(":").pop());
          this.fenced.set(p, Date.now() + (this.options.fencedHoldMs ?? 30_000));
          logger.warn("partition taken over by another instance; leaving it", { partition: p, epoch: err.epoch, current: err.current });
        } else {
          logger.warn("runner failed; restarting from the stored state", { err: err.message });
        }
        this.scheduleRestart("recovery", this.options.restartDelayMs ?? 1000);
      },
    );
  }

  private async stopRunner(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    // No longer current: its ending (or a failed last checkpoint) is not a failure to recover from.
    this.runner = undefined;
    this.stoppingRunner = runner;
    try {
      await runner.stop();
    } finally {
      this.previousCounts = addCounts([this.previousCounts, runner.counts()]);
      this.stoppingRunner = undefined;
    }
  }

  private async measureLag(): Promise<void> {
    const runner = this.runner;
    if (!runner) return;
    const { input, metrics } = this.options;
    const ends = await input.endOffsets();
    const acked = offsetsOf(runner.acknowledgedPosition);
    metrics.kafkaLag.reset();
    let total = 0;
    for (const p of this.currentPartitions) {
      const end = ends.get(p);
      const at = acked.get(p);
      if (end === undefined || at === undefined) continue;
      const lag = Math.max(0, end - at);
      total += lag;
      metrics.kafkaLag.set({ topic: input.name, partition: String(p) }, lag);
    }
    if (total > this.maxLag) this.maxLag = total;
  }

  /** Stops the current runner (checkpointing its partitions) and leaves the group. */
  async stop(): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    this.state = "stopping";
    if (this.lagTimer) clearInterval(this.lagTimer);
    await this.queue.catch(() => undefined);
    await this.stopRunner();
    await this.options.input.close();
    this.state = "stopped";
    this.stopped();
  }
}

function offsetsOf(position: SourcePosition | undefined): Map<number, number> {
  const offsets = new Map<number, number>();
  if (position && typeof position === "object") {
    for (const [p, o] of Object.entries(position)) if (typeof o === "string" || typeof o === "number") offsets.set(Number(p), Number(o));
  }
  return offsets;
}

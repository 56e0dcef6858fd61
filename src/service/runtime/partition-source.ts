import type { PartitionedInput, Source, SourcePosition, SourceRecord } from "../../adapters/types.ts";
import type { Logger } from "./logger.ts";
import type { PipelineMetrics } from "./metrics.ts";
import type { KeyPartitions } from "./partition-state.ts";
import { routeKey } from "./route-key.ts";

/**
 * A partitioned input's source as the runner sees it: it notes which partition each key's
 * events come from (the state is saved per partition), and counts and times offset commits.
 * A commit that fails (the member is mid-rebalance) is logged and counted, not fatal: the
 * offsets that resuming goes by are the ones stored with the state.
 */
export class PartitionTrackingSource implements Source {
  readonly kind: string;
  readonly replayable: boolean;
  private readonly inner: Source;
  private readonly input: PartitionedInput;
  private readonly keyPartitions: KeyPartitions;
  private readonly metrics: PipelineMetrics;
  private readonly logger: Logger;

  constructor(inner: Source, input: PartitionedInput, keyPartitions: KeyPartitions, metrics: PipelineMetrics, logger: Logger) {
    this.inner = inner;
    this.kind = inner.kind;
    this.replayable = inner.replayable;
    this.input = input;
    this.keyPartitions = keyPartitions;
    this.metrics = metrics;
    this.logger = logger;
  }

  get connected(): boolean {
    return this.inner.connected;
  }

  get paused(): boolean {
    return this.inner.paused;
  }

  async *batches(from: SourcePosition | undefined): AsyncIterable<SourceRecord[]> {
    for await (const batch of this.inner.batches(from)) {
      for (const record of batch) {
        const partition = this.input.partitionOf(record);
        if (partition !== undefined) this.keyPartitions.set(routeKey(record), partition);
      }
      yield batch;
    }
  }

  pause(): void {
    this.inner.pause();
  }

  resume(): void {
    this.inner.resume();
  }

  async commit(position: SourcePosition): Promise<void> {
    const started = performance.now();
    try {
      await this.inner.commit(position);
      this.metrics.kafkaCommits.inc({ result: "ok" });
      this.metrics.kafkaCommitSeconds.observe((performance.now() - started) / 1000);
    } catch (err) {
      this.metrics.kafkaCommits.inc({ result: "error" });
      this.logger.warn("offset commit failed; the stored state keeps the offsets", { err: (err as Error).message });
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

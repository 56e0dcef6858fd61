import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { GatedSource } from "../pause-gate.ts";
import type { Source, SourcePosition, SourceRecord } from "../types.ts";
import { demoEvents, type DemoEvent } from "./generator.ts";

export interface DemoSourceOptions {
  /** Keys in all: half change topology, half stay a noisy circle (default 64). */
  keys?: number;
  /** Events per second in all; 0 delivers as fast as the pipeline pulls (default 2000). */
  rate?: number;
  seed?: number;
  /** Stop after this many events (default: never). */
  limit?: number;
  /** The first this many events come unpaced, to fill every key's windows at once (default 0). */
  burst?: number;
  /** Valid events per key in one round of the generator (default 3000); then the next round starts. */
  eventsPerKey?: number;
  batchSize?: number;
}

/**
 * The demo generator (src/adapters/demo/generator.ts) as an endless source. The generator
 * makes a finite stream per seed; rounds follow one another with event times continuing
 * and the seed advanced, so every key goes circle → two circles → figure eight → circle …
 * The position is the number of events delivered; the stream is deterministic, so resuming
 * regenerates and skips that many.
 */
export class DemoSource extends GatedSource implements Source {
  readonly kind = "demo";
  readonly replayable = true;
  private readonly options: Required<Omit<DemoSourceOptions, "limit">> & { limit: number };
  private running = false;

  constructor(options: DemoSourceOptions = {}) {
    super();
    this.options = {
      keys: options.keys ?? 64,
      rate: options.rate ?? 2000,
      seed: options.seed ?? 1,
      limit: options.limit ?? Infinity,
      burst: options.burst ?? 0,
      eventsPerKey: options.eventsPerKey ?? 3000,
      batchSize: options.batchSize ?? 512,
    };
  }

  get connected(): boolean {
    return this.running && !this.closed;
  }

  async commit(_position: SourcePosition): Promise<void> {}

  override async close(): Promise<void> {
    await super.close();
  }

  async *batches(from: SourcePosition | undefined): AsyncIterable<SourceRecord[]> {
    const { rate, batchSize, limit, burst } = this.options;
    const events = endlessDemoEvents(this.options);
    let index = typeof from === "number" ? from : 0;
    for (let i = 0; i < index; i++) events.next();
    this.running = true;
    let emitted = 0;
    let t0 = performance.now();
    try {
      while (!this.closed && index < limit) {
        if (this.gate.paused) {
          await this.gate.wait();
          // Pacing restarts after a pause instead of catching up in a burst.
          t0 = performance.now();
          emitted = 0;
          continue;
        }
        let count = Math.min(batchSize, limit - index);
        if (rate > 0 && index >= burst) {
          const due = Math.floor((rate * (performance.now() - t0)) / 1000) - emitted;
          if (due <= 0) {
            await sleep(Math.max(1, Math.min(20, (1000 * Math.min(batchSize, 16)) / rate)));
            continue;
          }
          count = Math.min(count, due);
        }
        const arrivedAt = performance.now();
        const batch: SourceRecord[] = new Array(count);
        for (let i = 0; i < count; i++) {
          const event = events.next().value as DemoEvent;
          batch[i] = { raw: event.line, format: "json", source: { kind: "demo", index: event.index }, position: event.index + 1, arrivedAt };
        }
        if (index < burst && index + count >= burst) {
          // Pacing starts when the burst ends.
          t0 = performance.now();
          emitted = -count;
        }
        index += count;
        emitted += count;
        yield batch;
      }
    } finally {
      this.running = false;
    }
  }
}

/** The generator's rounds one after another, with global indices and continuing event times. */
export function* endlessDemoEvents(options: { keys?: number; seed?: number; eventsPerKey?: number }): Generator<DemoEvent> {
  const keys = options.keys ?? 64;
  const eventsPerKey = options.eventsPerKey ?? 3000;
  const intervalMs = 10;
  let offset = 0;
  for (let round = 0; ; round++) {
    let last = -1;
    for (const event of demoEvents({
      seed: (options.seed ?? 1) + round,
      changingKeys: Math.ceil(keys / 2),
      stableKeys: Math.floor(keys / 2),
      eventsPerKey,
      intervalMs,
      startTs: 1_700_000_000_000 + round * eventsPerKey * intervalMs,
    })) {
      last = event.index;
      // Each event is a fresh object: renumbered in place rather than copied.
      event.index += offset;
      yield event;
    }
    offset += last + 1;
  }
}

/**
 * The processor's ledger. Every received event ends in exactly one of processed,
 * deadLettered, dropped or buffered, and moves from buffered to processed when released,
 * so received = processed + deadLettered + dropped + buffered at every moment.
 */
import type { DeadLetter, DeadLetterReason, StreamCounts } from "./types.ts";

export class CountsBook {
  received = 0;
  processed = 0;
  deadLettered = 0;
  dropped = 0;
  buffered = 0;
  late = 0;
  windows = 0;
  anomalies = 0;
  private readonly byReason: Partial<Record<DeadLetterReason, number>> = {};

  deadLetter(letter: DeadLetter): void {
    this.deadLettered++;
    this.byReason[letter.reason] = (this.byReason[letter.reason] ?? 0) + 1;
  }

  view(): StreamCounts {
    return {
      received: this.received,
      processed: this.processed,
      deadLettered: this.deadLettered,
      dropped: this.dropped,
      buffered: this.buffered,
      late: this.late,
      windows: this.windows,
      anomalies: this.anomalies,
      deadLetteredByReason: { ...this.byReason },
    };
  }

  load(counts: StreamCounts): void {
    this.received = counts.received;
    this.processed = counts.processed;
    this.deadLettered = counts.deadLettered;
    this.dropped = counts.dropped;
    this.buffered = counts.buffered;
    this.late = counts.late;
    this.windows = counts.windows;
    this.anomalies = counts.anomalies;
    for (const key of Object.keys(this.byReason) as DeadLetterReason[]) delete this.byReason[key];
    Object.assign(this.byReason, counts.deadLetteredByReason);
  }
}

export function newCounts(): CountsBook {
  return new CountsBook();
}

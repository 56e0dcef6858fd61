/**
 * Writes in the order items were added, grouping: one write is out at a time, and every item
 * that became ready in order behind it goes out together in the next one. A sink whose write
 * is a round trip (a Kafka produce with acks=all, a Redis script) then costs one round trip
 * per group rather than one per batch, and the order is the same as writing one by one.
 *
 * Each add() returns a promise that resolves once its item is written, in order: the last
 * one resolving means every earlier one has. A failed item or write fails it and every item
 * behind it, and everything added afterwards.
 */
export class GroupedWrites<T> {
  private readonly write: (items: T[]) => Promise<void>;
  private readonly queue: Array<Pending<T>> = [];
  private writing = false;
  private failure: Error | undefined;

  constructor(write: (items: T[]) => Promise<void>) {
    this.write = write;
  }

  add(item: Promise<T>): Promise<void> {
    let settle!: Pending<T>["settle"];
    const written = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
    const pending: Pending<T> = { ready: false, value: undefined, settle };
    if (this.failure) {
      settle(this.failure);
      return written;
    }
    this.queue.push(pending);
    item.then(
      (value) => {
        pending.value = value;
        pending.ready = true;
        this.pump();
      },
      (err: unknown) => this.abort(asError(err)),
    );
    return written;
  }

  private pump(): void {
    if (this.writing || this.failure) return;
    let n = 0;
    while (n < this.queue.length && this.queue[n].ready) n++;
    if (n === 0) return;
    const taken = this.queue.splice(0, n);
    this.writing = true;
    this.write(taken.map((p) => p.value as T)).then(
      () => {
        this.writing = false;
        for (const p of taken) p.settle();
        this.pump();
      },
      (err: unknown) => {
        this.writing = false;
        for (const p of taken) p.settle(asError(err));
        this.abort(asError(err));
      },
    );
  }

  private abort(err: Error): void {
    this.failure ??= err;
    for (const p of this.queue.splice(0)) p.settle(this.failure);
  }
}

interface Pending<T> {
  ready: boolean;
  value: T | undefined;
  settle: (err?: Error) => void;
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

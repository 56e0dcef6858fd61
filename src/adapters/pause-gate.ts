/** A gate a producer awaits while paused: pause() closes it, resume() opens it. */
export class PauseGate {
  private waiting: Array<() => void> = [];
  private closed = false;

  get paused(): boolean {
    return this.closed;
  }

  pause(): void {
    this.closed = true;
  }

  resume(): void {
    this.closed = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Resolves at once when open, otherwise at the next resume(). */
  wait(): Promise<void> {
    if (!this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** What the pull sources share: a pause gate, a closed flag, and a close() that wakes a paused reader. */
export abstract class GatedSource {
  protected readonly gate = new PauseGate();
  protected closed = false;

  get paused(): boolean {
    return this.gate.paused;
  }

  pause(): void {
    this.gate.pause();
  }

  resume(): void {
    this.gate.resume();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.gate.resume();
  }
}

/** A binary min-heap of (distance, column) on typed arrays; callers skip stale entries (lazy deletion). */
export class MinHeap {
  private keys: Float64Array;
  private values: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.values = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  topKey(): number {
    return this.keys[0];
  }

  topValue(): number {
    return this.values[0];
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const keys = new Float64Array(this.size * 2);
      keys.set(this.keys);
      this.keys = keys;
      const values = new Int32Array(this.size * 2);
      values.set(this.values);
      this.values = values;
    }
    let k = this.size++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (this.keys[parent] <= key) break;
      this.keys[k] = this.keys[parent];
      this.values[k] = this.values[parent];
      k = parent;
    }
    this.keys[k] = key;
    this.values[k] = value;
  }

  pop(): number {
    const top = this.values[0];
    const lastKey = this.keys[--this.size];
    const lastValue = this.values[this.size];
    let k = 0;
    for (;;) {
      let child = 2 * k + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.keys[child + 1] < this.keys[child]) child++;
      if (this.keys[child] >= lastKey) break;
      this.keys[k] = this.keys[child];
      this.values[k] = this.values[child];
      k = child;
    }
    this.keys[k] = lastKey;
    this.values[k] = lastValue;
    return top;
  }
}

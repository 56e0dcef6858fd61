/**
 * The raw points of one key at one scale, oldest first, in a circular buffer: what the next
 * window will be made of, and all a checkpoint needs to rebuild the window. The buffer
 * starts small and doubles up to `limit`, so a key whose windows hold few points costs little.
 */
export class PointRing {
  /** Most points held; pushing beyond overwrites the oldest. */
  readonly limit: number;
  /** Points the current buffers hold. */
  capacity: number;
  readonly dimension: number;
  private seqs: Float64Array;
  private times: Float64Array;
  /** Rounded to float32 on the way in, as Ripser reads coordinates. */
  private coords: Float32Array;
  private head = 0;
  size = 0;
  /** Bumped when points are removed other than from the front (thinning): windows must be rebuilt. */
  generation = 0;

  constructor(limit: number, dimension: number, initial = limit) {
    this.limit = limit;
    const capacity = Math.max(1, Math.min(limit, initial));
    this.capacity = capacity;
    this.dimension = dimension;
    this.seqs = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.coords = new Float32Array(capacity * dimension);
  }

  private slot(i: number): number {
    const s = this.head + i;
    return s >= this.capacity ? s - this.capacity : s;
  }

  seq(i: number): number {
    return this.seqs[this.slot(i)];
  }

  ts(i: number): number {
    return this.times[this.slot(i)];
  }

  /** Offset of point i's coordinates in `coordinates()`. */
  offset(i: number): number {
    return this.slot(i) * this.dimension;
  }

  coordinates(): Float32Array {
    return this.coords;
  }

  /** Appends a point; when `limit` points are held, the oldest one is overwritten. */
  push(seq: number, ts: number, source: ArrayLike<number>, offset: number): void {
    if (this.size === this.capacity && this.capacity < this.limit) this.grow(Math.min(this.limit, 2 * this.capacity));
    let s: number;
    if (this.size < this.capacity) {
      s = this.slot(this.size);
      this.size++;
    } else {
      s = this.head;
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    }
    this.seqs[s] = seq;
    this.times[s] = ts;
    const base = s * this.dimension;
    for (let k = 0; k < this.dimension; k++) this.coords[base + k] = source[offset + k];
  }

  private grow(capacity: number): void {
    const dim = this.dimension;
    const seqs = new Float64Array(capacity);
    const times = new Float64Array(capacity);
    const coords = new Float32Array(capacity * dim);
    for (let i = 0; i < this.size; i++) {
      const s = this.slot(i);
      seqs[i] = this.seqs[s];
      times[i] = this.times[s];
      for (let k = 0; k < dim; k++) coords[i * dim + k] = this.coords[s * dim + k];
    }
    this.seqs = seqs;
    this.times = times;
    this.coords = coords;
    this.head = 0;
    this.capacity = capacity;
  }

  /** Drops points from the front while their time is below `ts`. */
  dropBefore(ts: number): void {
    while (this.size > 0 && this.times[this.head] < ts) {
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.size--;
    }
  }

  /** Keeps every other point (the 1st, 3rd, …), halving the ring. */
  thin(): void {
    const kept = Math.ceil(this.size / 2);
    const dim = this.dimension;
    for (let i = 0; i < kept; i++) {
      const from = this.slot(2 * i);
      const to = this.slot(i);
      this.seqs[to] = this.seqs[from];
      this.times[to] = this.times[from];
      for (let k = 0; k < dim; k++) this.coords[to * dim + k] = this.coords[from * dim + k];
    }
    this.size = kept;
    this.generation++;
  }

  /** Plain arrays, oldest first. */
  toArrays(): { seq: number[]; ts: number[]; coords: number[] } {
    const seq: number[] = [];
    const ts: number[] = [];
    const coords: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const s = this.slot(i);
      seq.push(this.seqs[s]);
      ts.push(this.times[s]);
      for (let k = 0; k < this.dimension; k++) coords.push(this.coords[s * this.dimension + k]);
    }
    return { seq, ts, coords };
  }
}

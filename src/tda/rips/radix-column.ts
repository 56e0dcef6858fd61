import { allocate } from "./simplex-list.ts";

const BUCKETS = 65;
const TWO32 = 4294967296;
const CHUNK_BITS = 10;
const CHUNK = 1 << CHUNK_BITS;

/**
 * A working column as a radix heap over packed keys (rank × span + span − 1 − index, so
 * the smallest key is the pivot: smallest rank, then largest index). A column's pivot
 * only ever moves forward, since every column added to it starts at its pivot; that
 * monotonicity is what a radix heap needs. Pushes are appends; most entries of a long
 * column are never popped, so they cost nothing more.
 *
 * Entries sit in the bucket of the highest bit in which they differ from the last pivot
 * (bucket 0: equal to it). Buckets are lists of fixed-size chunks from one shared pool,
 * so memory follows the column's live size, not the sum of every bucket's peak.
 */
export class RadixColumn {
  pivotRank = 0;
  pivotIndex = 0;
  pivotCoefficient = 0;
  private readonly span: number;
  private poolKeys = new Float64Array(16 * CHUNK);
  private poolCoefficients = new Int32Array(16 * CHUNK);
  private freeChunks: number[] = [];
  private chunkCount = 0;
  /** Chunk ids of each bucket, in fill order; the last one is partly filled. */
  private readonly bucketChunks: number[][] = [];
  private readonly sizes = new Int32Array(BUCKETS);
  private last = 0;
  private lastHigh = 0;
  private lastLow = 0;

  /** `span`: one more than the largest index; (ranks + 1) × span must stay below 2^53. */
  constructor(span: number) {
    this.span = span;
    for (let b = 0; b < BUCKETS; b++) this.bucketChunks.push([]);
  }

  clear(): void {
    for (let b = 0; b < BUCKETS; b++) if (this.sizes[b] > 0) this.emptyBucket(b);
    this.setLast(0);
  }

  push(rank: number, index: number, coefficient: number): void {
    this.pushKey(rank * this.span + (this.span - 1 - index), coefficient);
  }

  /** Sums the entries equal to the smallest key until one is nonzero mod p; false when the column is zero. */
  settlePivot(modulus: number): boolean {
    while (true) {
      if (this.sizes[0] === 0 && !this.refill()) return false;
      const coefficients = this.poolCoefficients;
      const chunks = this.bucketChunks[0];
      let sum = 0;
      for (let k = 0; k < this.sizes[0]; k++) sum += coefficients[(chunks[k >> CHUNK_BITS] << CHUNK_BITS) + (k & (CHUNK - 1))];
      sum %= modulus;
      this.emptyBucket(0);
      if (sum !== 0) {
        this.pushKey(this.last, sum);
        const rank = Math.floor(this.last / this.span);
        this.pivotRank = rank;
        this.pivotIndex = this.span - 1 - (this.last - rank * this.span);
        this.pivotCoefficient = sum;
        return true;
      }
    }
  }

  /** Moves the smallest key's bucket down to bucket 0; false when empty. */
  private refill(): boolean {
    const sizes = this.sizes;
    let b = 1;
    while (b < BUCKETS && sizes[b] === 0) b++;
    if (b === BUCKETS) return false;
    const chunks = this.bucketChunks[b];
    const n = sizes[b];
    const keys = this.poolKeys;
    let min = Infinity;
    for (let k = 0; k < n; k++) {
      const key = keys[(chunks[k >> CHUNK_BITS] << CHUNK_BITS) + (k & (CHUNK - 1))];
      if (key < min) min = key;
    }
    this.setLast(min);
    // Detach the bucket before refilling lower ones; its chunks are freed after.
    this.bucketChunks[b] = [];
    sizes[b] = 0;
    for (let k = 0; k < n; k++) {
      const at = (chunks[k >> CHUNK_BITS] << CHUNK_BITS) + (k & (CHUNK - 1));
      this.pushKey(this.poolKeys[at], this.poolCoefficients[at]);
    }
    for (const chunk of chunks) this.freeChunks.push(chunk);
    return true;
  }

  private emptyBucket(b: number): void {
    for (const chunk of this.bucketChunks[b]) this.freeChunks.push(chunk);
    this.bucketChunks[b].length = 0;
    this.sizes[b] = 0;
  }

  private setLast(key: number): void {
    this.last = key;
    this.lastHigh = Math.floor(key / TWO32);
    this.lastLow = key - this.lastHigh * TWO32;
  }

  private pushKey(key: number, coefficient: number): void {
    const high = Math.floor(key / TWO32);
    let b: number;
    if (high !== this.lastHigh) b = 64 - Math.clz32(high ^ this.lastHigh);
    else {
      const low = key - high * TWO32;
      b = low === this.lastLow ? 0 : 32 - Math.clz32(low ^ this.lastLow);
    }
    const k = this.sizes[b]++;
    const offset = k & (CHUNK - 1);
    const chunks = this.bucketChunks[b];
    if (offset === 0) chunks.push(this.takeChunk());
    const at = (chunks[k >> CHUNK_BITS] << CHUNK_BITS) + offset;
    this.poolKeys[at] = key;
    this.poolCoefficients[at] = coefficient;
  }

  private takeChunk(): number {
    if (this.freeChunks.length > 0) return this.freeChunks.pop()!;
    if ((this.chunkCount + 1) * CHUNK > this.poolKeys.length) {
      const capacity = this.poolKeys.length * 2;
      const keys = allocate("entries in a working column", capacity, () => new Float64Array(capacity));
      keys.set(this.poolKeys);
      const coefficients = new Int32Array(capacity);
      coefficients.set(this.poolCoefficients);
      this.poolKeys = keys;
      this.poolCoefficients = coefficients;
    }
    return this.chunkCount++;
  }
}

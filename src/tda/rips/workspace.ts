/**
 * Typed arrays and working structures kept from one call to the next. A stream computes
 * thousands of small problems a second; taking their working arrays from here instead of
 * allocating them spares the collector and keeps the process's memory flat. Each call
 * overwrites what the previous one left, so a workspace serves one computation at a time
 * (everything here is synchronous) and nothing returned to a caller may live in it.
 */
type TypedArray = Int32Array | Float32Array | Float64Array;

export class Workspace {
  private readonly buffers = new Map<string, TypedArray>();
  private readonly objects = new Map<string, unknown>();
  /** The larger vertex of each edge index below its length (see edgeTops). */
  private tops = new Int32Array(0);

  /** `length` Int32 entries under `name`, contents left over (zero them if needed). */
  int32(name: string, length: number): Int32Array {
    return this.take(name, length, Int32Array);
  }

  float32(name: string, length: number): Float32Array {
    return this.take(name, length, Float32Array);
  }

  float64(name: string, length: number): Float64Array {
    return this.take(name, length, Float64Array);
  }

  /**
   * For each edge index e = i(i−1)/2 + j (i > j) of n points, i: a lookup instead of the
   * square root that decodes it. An edge's index does not depend on n, so the table for the
   * largest n asked for serves every smaller one.
   */
  edgeTops(n: number): Int32Array {
    const size = (n * (n - 1)) / 2;
    if (this.tops.length < size) {
      this.tops = new Int32Array(size);
      for (let i = 1, e = 0; i < n; i++) for (let j = 0; j < i; j++) this.tops[e++] = i;
    }
    return this.tops;
  }

  /**
   * The object kept under `name`, made by `make` the first time and again whenever `fits`
   * refuses the kept one. Its state is whatever the last user left: callers reset it.
   */
  object<T>(name: string, make: () => T, fits?: (kept: T) => boolean): T {
    let kept = this.objects.get(name) as T | undefined;
    if (kept === undefined || (fits !== undefined && !fits(kept))) {
      kept = make();
      this.objects.set(name, kept);
    }
    return kept;
  }

  private take<T extends TypedArray>(name: string, length: number, make: new (length: number) => T): T {
    let buffer = this.buffers.get(name) as T | undefined;
    if (buffer === undefined || buffer.length < length) {
      // Grow by half again, so a slowly growing window does not reallocate every time.
      buffer = new make(Math.max(length, Math.ceil((buffer?.length ?? 0) * 1.5)));
      this.buffers.set(name, buffer);
    }
    return buffer.subarray(0, length) as T;
  }
}

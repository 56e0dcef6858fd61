/**
 * Typed arrays kept from one call to the next. A stream computes thousands of small
 * problems a second; taking their working arrays from here instead of allocating them
 * spares the collector and keeps the process's memory flat. Each call overwrites what the
 * previous one left, so a workspace serves one computation at a time (everything here is
 * synchronous) and nothing returned to a caller may live in it.
 */
type TypedArray = Int32Array | Float32Array | Float64Array;

export class Workspace {
  private readonly buffers = new Map<string, TypedArray>();

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

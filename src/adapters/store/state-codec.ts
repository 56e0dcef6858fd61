/**
 * A compact binary encoding of state (plain objects, arrays, Maps, Sets, numbers, strings,
 * booleans, null, undefined and typed arrays), written into one buffer that is reused from
 * call to call.
 *
 * Why not `v8.serialize`: each call creates a serializer whose native working memory (a zone
 * of at least 8 KB) is freed only when the garbage collector finds the serializer, which it
 * has no reason to do soon. A checkpoint that serializes tens of thousands of keys between
 * SQLite's own allocations leaves the process's native heap fragmented and its RSS hundreds
 * of megabytes higher for good (bench/keys.ts measures it). This encoder allocates nothing
 * per call once its buffer has grown, and SQLite copies the bytes it is given.
 *
 * Numbers keep their exact value (NaN, ±Infinity and -0 included): integers that fit 32 bits
 * take 5 bytes, others 9.
 */

const VERSION = 1;

/** The byte before each value: what follows. */
const Tag = {
  Null: 0,
  Undefined: 1,
  False: 2,
  True: 3,
  Int32: 4,
  Float64: 5,
  String: 6,
  Array: 7,
  Object: 8,
  Float64Array: 9,
  Float32Array: 10,
  Int32Array: 11,
  Uint32Array: 12,
  Uint8Array: 13,
  Map: 14,
  Set: 15,
} as const;
type Tag = (typeof Tag)[keyof typeof Tag];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export class StateEncoder {
  private bytes = new Uint8Array(4096);
  private view = new DataView(this.bytes.buffer);
  private at = 0;

  /** The encoding of `value`: a view of the encoder's buffer, valid until the next call. */
  encode(value: unknown): Uint8Array {
    this.at = 0;
    this.ensure(1);
    this.bytes[this.at++] = VERSION;
    this.value(value);
    return this.bytes.subarray(0, this.at);
  }

  /** The encoding of `value` in a buffer of its own, for a store that keeps the bytes it is given. */
  encodeCopy(value: unknown): Buffer {
    return Buffer.from(this.encode(value));
  }

  private ensure(extra: number): void {
    if (this.at + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.at + extra) size *= 2;
    const bytes = new Uint8Array(size);
    bytes.set(this.bytes.subarray(0, this.at));
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }

  private tag(tag: Tag): void {
    this.ensure(1);
    this.bytes[this.at++] = tag;
  }

  private u32(n: number): void {
    this.ensure(4);
    this.view.setUint32(this.at, n, true);
    this.at += 4;
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case "number":
        if ((v | 0) === v && !Object.is(v, -0)) {
          this.tag(Tag.Int32);
          this.ensure(4);
          this.view.setInt32(this.at, v, true);
          this.at += 4;
        } else {
          this.tag(Tag.Float64);
          this.ensure(8);
          this.view.setFloat64(this.at, v, true);
          this.at += 8;
        }
        return;
      case "string":
        this.tag(Tag.String);
        this.string(v);
        return;
      case "boolean":
        this.tag(v ? Tag.True : Tag.False);
        return;
      case "undefined":
        this.tag(Tag.Undefined);
        return;
      case "object":
        if (v === null) this.tag(Tag.Null);
        else if (Array.isArray(v)) {
          this.tag(Tag.Array);
          this.u32(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
        } else if (ArrayBuffer.isView(v)) this.typedArray(v);
        else if (v instanceof Map) {
          this.tag(Tag.Map);
          this.u32(v.size);
          for (const [key, item] of v) {
            this.value(key);
            this.value(item);
          }
        } else if (v instanceof Set) {
          this.tag(Tag.Set);
          this.u32(v.size);
          for (const item of v) this.value(item);
        } else {
          const proto = Object.getPrototypeOf(v);
          if (proto !== Object.prototype && proto !== null) throw new TypeError(`state codec: cannot encode a ${proto?.constructor?.name ?? "value"}: state is plain data`);
          const keys = Object.keys(v);
          this.tag(Tag.Object);
          this.u32(keys.length);
          for (const key of keys) {
            this.string(key);
            this.value((v as Record<string, unknown>)[key]);
          }
        }
        return;
      default:
        throw new TypeError(`state codec: cannot encode a ${typeof v}: state is plain data`);
    }
  }

  private string(s: string): void {
    // At most 3 bytes per UTF-16 unit.
    this.ensure(4 + 3 * s.length);
    const { written } = utf8.encodeInto(s, this.bytes.subarray(this.at + 4));
    this.view.setUint32(this.at, written, true);
    this.at += 4 + written;
  }

  private typedArray(v: ArrayBufferView): void {
    const tag =
      v instanceof Float64Array ? Tag.Float64Array
      : v instanceof Float32Array ? Tag.Float32Array
      : v instanceof Int32Array ? Tag.Int32Array
      : v instanceof Uint32Array ? Tag.Uint32Array
      : v instanceof Uint8Array ? Tag.Uint8Array
      : undefined;
    if (tag === undefined) throw new TypeError(`state codec: cannot encode a ${v.constructor.name}`);
    this.tag(tag);
    this.u32((v as Uint8Array).length);
    this.ensure(v.byteLength);
    this.bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), this.at);
    this.at += v.byteLength;
  }
}

/** Reads what StateEncoder wrote. */
export function decodeState(bytes: Uint8Array): unknown {
  if (bytes[0] !== VERSION) throw new TypeError(`state codec: unknown format ${bytes[0]} (written by a newer version?)`);
  const reader = new Reader(bytes);
  reader.at = 1;
  let value: unknown;
  try {
    value = reader.value();
  } catch (err) {
    // A DataView read past the end: the bytes stop inside a value.
    if (err instanceof RangeError) throw new TypeError("state codec: the state ends early: it is damaged");
    throw err;
  }
  if (reader.at > bytes.length) throw new TypeError("state codec: the state ends early: it is damaged");
  if (reader.at < bytes.length) throw new TypeError(`state codec: ${bytes.length - reader.at} bytes left over: the state is damaged`);
  return value;
}

class Reader {
  at = 0;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private u32(): number {
    const n = this.view.getUint32(this.at, true);
    this.at += 4;
    return n;
  }

  private string(): string {
    const length = this.u32();
    const s = fromUtf8.decode(this.bytes.subarray(this.at, this.at + length));
    this.at += length;
    return s;
  }

  /** A copy of the next `bytes` bytes, aligned for any typed array. */
  private copy(bytes: number): ArrayBuffer {
    const out = new Uint8Array(bytes);
    out.set(this.bytes.subarray(this.at, this.at + bytes));
    this.at += bytes;
    return out.buffer;
  }

  value(): unknown {
    if (this.at >= this.bytes.length) throw new TypeError("state codec: the state ends early: it is damaged");
    const tag = this.bytes[this.at++];
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.Undefined:
        return undefined;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int32: {
        const n = this.view.getInt32(this.at, true);
        this.at += 4;
        return n;
      }
      case Tag.Float64: {
        const n = this.view.getFloat64(this.at, true);
        this.at += 8;
        return n;
      }
      case Tag.String:
        return this.string();
      case Tag.Array: {
        const n = this.u32();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case Tag.Object: {
        const n = this.u32();
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = this.string();
          out[key] = this.value();
        }
        return out;
      }
      case Tag.Map: {
        const n = this.u32();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const key = this.value();
          out.set(key, this.value());
        }
        return out;
      }
      case Tag.Set: {
        const n = this.u32();
        const out = new Set<unknown>();
        for (let i = 0; i < n; i++) out.add(this.value());
        return out;
      }
      case Tag.Float64Array: {
        const n = this.u32();
        return new Float64Array(this.copy(8 * n));
      }
      case Tag.Float32Array: {
        const n = this.u32();
        return new Float32Array(this.copy(4 * n));
      }
      case Tag.Int32Array: {
        const n = this.u32();
        return new Int32Array(this.copy(4 * n));
      }
      case Tag.Uint32Array: {
        const n = this.u32();
        return new Uint32Array(this.copy(4 * n));
      }
      case Tag.Uint8Array: {
        const n = this.u32();
        return new Uint8Array(this.copy(n));
      }
      default:
        throw new TypeError(`state codec: unknown tag ${tag} at byte ${this.at - 1}: the state is damaged`);
    }
  }
}

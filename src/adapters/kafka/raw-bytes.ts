/**
 * The exact bytes of records whose text form is not exact: values that are not valid UTF-8,
 * or longer than the stream layer keeps in a dead letter. The dead-letter sink takes them
 * from here so the dead-letter topic carries the input byte for byte. Entries of records that
 * were processed fine are dropped once their offset is committed; the map is bounded anyway.
 */
export class RawBytesKeeper {
  private readonly entries = new Map<string, Buffer>();
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  keep(partition: number, offset: bigint, bytes: Buffer): void {
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(`${partition}:${offset}`, bytes);
  }

  take(partition: number, offset: string): Buffer | undefined {
    const id = `${partition}:${offset}`;
    const bytes = this.entries.get(id);
    if (bytes !== undefined) this.entries.delete(id);
    return bytes;
  }

  /** Forgets every entry of `partition` below `offset`. */
  release(partition: number, offset: bigint): void {
    for (const id of this.entries.keys()) {
      const colon = id.indexOf(":");
      if (Number(id.slice(0, colon)) === partition && BigInt(id.slice(colon + 1)) < offset) this.entries.delete(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

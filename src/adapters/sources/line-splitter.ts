/**
 * Splits bytes into lines and remembers where each starts and ends, so a source can report
 * the byte offset just after a line as its resume position and the offset of its first byte
 * in a dead letter. Offsets count bytes as read, whatever the decoding makes of them (invalid
 * UTF-8 becomes U+FFFD, three bytes in UTF-8). "\r\n" endings lose their "\r"; blank lines
 * are skipped but still advance the position.
 */
/** One line: its text, its 1-based number, the byte offset just after it and of its first byte. */
export type OnLine = (text: string, line: number, offsetAfter: number, offsetOfStart: number) => void;

export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  /** Offset of the first byte of `rest` in the whole input. */
  private restOffset: number;
  /** Lines seen so far (1-based number of the next line is lineCount + 1). */
  lineCount: number;

  constructor(startOffset = 0, startLine = 0) {
    this.restOffset = startOffset;
    this.lineCount = startLine;
  }

  /** Byte offset just after the last complete line handed out. */
  get offset(): number {
    return this.restOffset;
  }

  /** Feeds a chunk and calls `onLine(text, lineNumber, offsetAfter, offsetOfStart)` for each complete line. */
  push(chunk: Buffer, onLine: OnLine): void {
    const buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let start = 0;
    let nl = buf.indexOf(10, start);
    while (nl !== -1) {
      this.lineCount++;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) onLine(buf.toString("utf8", start, end), this.lineCount, this.restOffset + nl + 1, this.restOffset + start);
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    this.restOffset += start;
    this.rest = start === buf.length ? Buffer.alloc(0) : buf.subarray(start);
  }

  /** At the end of the input: a last line without a newline. */
  flush(onLine: OnLine): void {
    if (this.rest.length === 0) return;
    this.lineCount++;
    const text = this.rest.toString("utf8").replace(/\r$/, "");
    const start = this.restOffset;
    this.restOffset += this.rest.length;
    this.rest = Buffer.alloc(0);
    if (text.length > 0) onLine(text, this.lineCount, this.restOffset, start);
  }

  /** Bytes held waiting for a newline: bounded by the caller's line length limit. */
  get pendingBytes(): number {
    return this.rest.length;
  }

  /** Drops a partial line that has grown past any sane length, counting it as one line. */
  discardPending(): void {
    this.restOffset += this.rest.length;
    this.rest = Buffer.alloc(0);
  }
}

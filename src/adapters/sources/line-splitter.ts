/**
 * Splits bytes into lines and remembers where each ends, so a source can report the byte
 * offset just after a line as its resume position. "\r\n" endings lose their "\r"; blank
 * lines are skipped but still advance the position.
 */
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

  /** Feeds a chunk and calls `onLine(text, lineNumber, offsetAfter)` for each complete line. */
  push(chunk: Buffer, onLine: (text: string, line: number, offsetAfter: number) => void): void {
    const buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let start = 0;
    let nl = buf.indexOf(10, start);
    while (nl !== -1) {
      this.lineCount++;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end > start) onLine(buf.toString("utf8", start, end), this.lineCount, this.restOffset + nl + 1);
      start = nl + 1;
      nl = buf.indexOf(10, start);
    }
    this.restOffset += start;
    this.rest = start === buf.length ? Buffer.alloc(0) : buf.subarray(start);
  }

  /** At the end of the input: a last line without a newline. */
  flush(onLine: (text: string, line: number, offsetAfter: number) => void): void {
    if (this.rest.length === 0) return;
    this.lineCount++;
    const text = this.rest.toString("utf8").replace(/\r$/, "");
    this.restOffset += this.rest.length;
    this.rest = Buffer.alloc(0);
    if (text.length > 0) onLine(text, this.lineCount, this.restOffset);
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

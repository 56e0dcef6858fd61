import { TdaInputError } from "../types.ts";

/**
 * The numbers of a text input, in order, with where each one starts.
 *
 * Separators are whitespace and commas, as Ripser reads them: CSV (`1,2,3`), spaced CSV
 * (`1, 2, 3`), rows ending in a comma (`85,` as in Ripser's examples), tabs and spaces all
 * give the same numbers. Ripser skips exactly one character after a number and then
 * whitespace, so `1 ,2` or `1,,2` make it stop reading silently; here a space before a
 * comma is accepted and an empty field between two commas is an error.
 */
export interface ScannedText {
  /** Every number, in order. */
  values: number[];
  /** Character offset of each number's first character. */
  offsets: number[];
  /** For each non-blank line (a row), the index in `values` of its first number. */
  rowStarts: number[];
  /** Offset just past the last non-separator character: where "missing" values would go. */
  endOffset: number;
}

/** Characters that separate numbers besides the comma. */
function isSpace(code: number): boolean {
  // space, \t, \n, \v, \f, \r
  return code === 32 || (code >= 9 && code <= 13);
}

const COMMA = 44;
const NEWLINE = 10;
const BYTE_ORDER_MARK = 0xfeff;

/** Decimal numbers as C++'s `>>` reads them: no hex, no `inf`/`nan`, no digit separators. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NOT_A_NUMBER = /^[+-]?nan$/i;
const INFINITE = /^[+-]?inf(?:inity)?$/i;

export function scanText(text: string, source: string): ScannedText {
  const values: number[] = [];
  const offsets: number[] = [];
  const rowStarts: number[] = [];
  let endOffset = 0;
  // A comma may follow a number on the same line, once: `1,2` and `1 , 2` but not `1,,2`.
  let valueOnLine = false;
  let commaAllowed = false;
  const length = text.length;
  let at = text.charCodeAt(0) === BYTE_ORDER_MARK ? 1 : 0;
  while (at < length) {
    const code = text.charCodeAt(at);
    if (code === NEWLINE) {
      valueOnLine = false;
      commaAllowed = false;
      at++;
    } else if (isSpace(code)) {
      at++;
    } else if (code === COMMA) {
      if (!commaAllowed) {
        const what = valueOnLine ? "empty value between two commas" : "comma before the first value of the line";
        throw inputErrorAt(text, source, at, what);
      }
      commaAllowed = false;
      endOffset = at + 1;
      at++;
    } else {
      let end = at + 1;
      while (end < length) {
        const c = text.charCodeAt(end);
        if (c === COMMA || isSpace(c)) break;
        end++;
      }
      if (!valueOnLine) rowStarts.push(values.length);
      values.push(readNumber(text, source, at, end));
      offsets.push(at);
      valueOnLine = true;
      commaAllowed = true;
      endOffset = end;
      at = end;
    }
  }
  return { values, offsets, rowStarts, endOffset };
}

function readNumber(text: string, source: string, start: number, end: number): number {
  const token = text.slice(start, end);
  if (DECIMAL.test(token)) {
    const value = Number(token);
    // A value beyond float32's range would become infinite in the engine.
    if (!Number.isFinite(Math.fround(value))) {
      throw inputErrorAt(text, source, start, `${token} is too large for a 32-bit float (largest: 3.40282e+38)`);
    }
    return value;
  }
  if (NOT_A_NUMBER.test(token)) throw inputErrorAt(text, source, start, `NaN ("${token}") is not allowed`);
  if (INFINITE.test(token)) throw inputErrorAt(text, source, start, `infinite value "${token}" is not allowed`);
  throw inputErrorAt(text, source, start, `"${shorten(token)}" is not a number`);
}

function shorten(token: string): string {
  return token.length > 40 ? `${token.slice(0, 37)}...` : token;
}

/** 1-based line and column of a character offset (columns count UTF-16 code units). */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = text.charCodeAt(0) === BYTE_ORDER_MARK ? 1 : 0;
  for (let k = text.indexOf("\n"); k !== -1 && k < offset; k = text.indexOf("\n", k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** `source:line:column: what`, the way compilers name a place in a file. */
export function inputErrorAt(text: string, source: string, offset: number, what: string): TdaInputError {
  const { line, column } = positionOf(text, offset);
  return new TdaInputError(`${source}:${line}:${column}: ${what}`);
}

/** Offset of the end of the line holding `offset` (before its newline, and before a `\r`). */
export function endOfLine(text: string, offset: number): number {
  let end = text.indexOf("\n", offset);
  if (end === -1) end = text.length;
  while (end > offset && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

export function emptyInputError(source: string): TdaInputError {
  return new TdaInputError(`${source}: empty input: no values found`);
}

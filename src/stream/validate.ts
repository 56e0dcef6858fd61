/**
 * Reading and checking one event. An event is `{"key", "ts", "value"}`: from a JSON line, a
 * CSV line `key,ts,v1,v2,…` or an already-parsed value. Whatever is wrong with it becomes a
 * dead letter whose reason names the first check it failed, in this order: size, parse,
 * fields, types, finiteness, ranges. (Whether the dimension fits the key is checked by the
 * key itself, which knows its dimension.)
 */
import type { ResolvedConfig } from "./config.ts";
import type { DeadLetter, DeadLetterReason, RawRecord } from "./types.ts";

/** Filled in place by `readEvent` (one object per processor, not one per event). */
export interface ParsedEvent {
  key: string;
  ts: number;
  /** The value of a scalar event (when `vector` is null). */
  scalar: number;
  /** The coordinates of a vector event, or null for a scalar. */
  vector: number[] | null;
}

/** Event times beyond this many milliseconds from 1970 (JavaScript's Date range) are out of range. */
const MAX_ABS_TS = 8.64e15;

export function deadLetter(reason: DeadLetterReason, detail: string, record: RawRecord, config: ResolvedConfig, key?: string): DeadLetter {
  const raw = typeof record.raw === "string" && record.raw.length > config.limits.maxRawLength
    ? record.raw.slice(0, config.limits.maxRawLength)
    : record.raw;
  const letter: DeadLetter = { type: "dead_letter", reason, detail, raw, source: record.source };
  if (key !== undefined) letter.key = key;
  return letter;
}

/** Returns null and fills `out` for a good event, or the dead letter for a bad one. */
export function readEvent(record: RawRecord, config: ResolvedConfig, out: ParsedEvent): DeadLetter | null {
  const raw = record.raw;
  if (typeof raw === "string") {
    if (raw.length > config.limits.maxRawLength) {
      return deadLetter("too_large", `input is ${raw.length} characters, more than the limit ${config.limits.maxRawLength}`, record, config);
    }
    const format = record.format ?? "auto";
    const json = format === "json" || (format === "auto" && firstNonBlank(raw) === "{");
    if (!json) return readCsv(raw, record, config, out);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      return deadLetter("parse_error", `not JSON: ${(error as Error).message}`, record, config);
    }
    return readObject(value, record, config, out);
  }
  return readObject(raw, record, config, out);
}

function firstNonBlank(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) return s[i];
  }
  return "";
}

function readObject(value: unknown, record: RawRecord, config: ResolvedConfig, out: ParsedEvent): DeadLetter | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return deadLetter("parse_error", `expected an object {"key", "ts", "value"}, got ${describe(value)}`, record, config);
  }
  const event = value as Record<string, unknown>;
  const key = event.key;
  const ts = event.ts;
  const v = event.value;
  if (key === undefined || key === null) return deadLetter("missing_field", "no \"key\"", record, config);
  if (ts === undefined || ts === null) return deadLetter("missing_field", "no \"ts\"", record, config, stringKey(key));
  if (v === undefined || v === null) return deadLetter("missing_field", "no \"value\"", record, config, stringKey(key));
  if (typeof key !== "string" || key.length === 0) return deadLetter("bad_type", `"key" must be a non-empty string, got ${describe(key)}`, record, config);
  if (key.length > config.limits.maxKeyLength) {
    return deadLetter("key_too_long", `key is ${key.length} characters, more than the limit ${config.limits.maxKeyLength}`, record, config);
  }
  if (typeof ts !== "number") return deadLetter("bad_type", `"ts" must be a number of milliseconds, got ${describe(ts)}`, record, config, key);
  out.key = key;
  out.ts = ts;
  if (typeof v === "number") {
    out.scalar = v;
    out.vector = null;
  } else if (Array.isArray(v)) {
    if (v.length === 0) return deadLetter("bad_type", "\"value\" is an empty list", record, config, key);
    if (v.length > config.limits.maxDimension) {
      return deadLetter("too_large", `"value" has ${v.length} coordinates, more than the limit ${config.limits.maxDimension}`, record, config, key);
    }
    for (let i = 0; i < v.length; i++) {
      // JSON has no NaN: a null coordinate is what NaN becomes when a producer stringifies it.
      if (v[i] === null) return deadLetter("not_finite", `coordinate ${i} is null (NaN or infinite at the producer)`, record, config, key);
      if (typeof v[i] !== "number") return deadLetter("bad_type", `coordinate ${i} is ${describe(v[i])}, not a number`, record, config, key);
    }
    out.vector = v as number[];
  } else {
    return deadLetter("bad_type", `"value" must be a number or a list of numbers, got ${describe(v)}`, record, config, key);
  }
  return checkNumbers(record, config, out);
}

function readCsv(line: string, record: RawRecord, config: ResolvedConfig, out: ParsedEvent): DeadLetter | null {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 13 || line.charCodeAt(end - 1) === 10)) end--;
  const fields = line.slice(0, end).split(",");
  if (fields.length < 3) {
    if (line.trim().length === 0) return deadLetter("parse_error", "empty line", record, config);
    return deadLetter("missing_field", `CSV line has ${fields.length} field(s); expected key,ts,value[,value…]`, record, config);
  }
  const key = fields[0].trim();
  if (key.length === 0) return deadLetter("missing_field", "empty key (field 1)", record, config);
  if (key.length > config.limits.maxKeyLength) {
    return deadLetter("key_too_long", `key is ${key.length} characters, more than the limit ${config.limits.maxKeyLength}`, record, config);
  }
  const dim = fields.length - 2;
  if (dim > config.limits.maxDimension) {
    return deadLetter("too_large", `${dim} coordinates, more than the limit ${config.limits.maxDimension}`, record, config, key);
  }
  const ts = csvNumber(fields[1]);
  if (ts === undefined) return deadLetter("missing_field", "empty ts (field 2)", record, config, key);
  if (ts === null) return deadLetter("bad_type", `ts (field 2) ${JSON.stringify(fields[1].trim())} is not a number`, record, config, key);
  out.key = key;
  out.ts = ts;
  if (dim === 1 && config.embedding !== null) {
    const x = csvNumber(fields[2]);
    if (x === undefined) return deadLetter("missing_field", "empty value (field 3)", record, config, key);
    if (x === null) return deadLetter("bad_type", `value (field 3) ${JSON.stringify(fields[2].trim())} is not a number`, record, config, key);
    out.scalar = x;
    out.vector = null;
  } else {
    const vector = new Array<number>(dim);
    for (let i = 0; i < dim; i++) {
      const x = csvNumber(fields[i + 2]);
      if (x === undefined) return deadLetter("missing_field", `empty value (field ${i + 3})`, record, config, key);
      if (x === null) return deadLetter("bad_type", `value (field ${i + 3}) ${JSON.stringify(fields[i + 2].trim())} is not a number`, record, config, key);
      vector[i] = x;
    }
    out.vector = vector;
  }
  return checkNumbers(record, config, out);
}

/** undefined: empty field; null: not a number; NaN and ±Infinity pass (checked as not finite). */
function csvNumber(field: string): number | null | undefined {
  const text = field.trim();
  if (text.length === 0) return undefined;
  const x = Number(text);
  if (Number.isNaN(x) && text !== "NaN" && text !== "nan") return null;
  return x;
}

function checkNumbers(record: RawRecord, config: ResolvedConfig, event: ParsedEvent): DeadLetter | null {
  const { minValue, maxValue } = config.limits;
  if (!Number.isFinite(event.ts)) return deadLetter("not_finite", `ts is ${event.ts}`, record, config, event.key);
  if (Math.abs(event.ts) > MAX_ABS_TS) return deadLetter("out_of_range", `ts ${event.ts} is beyond ±${MAX_ABS_TS} ms`, record, config, event.key);
  const vector = event.vector;
  if (vector === null) {
    const x = event.scalar;
    if (!Number.isFinite(x)) return deadLetter("not_finite", `value is ${x}`, record, config, event.key);
    if (x < minValue || x > maxValue) return deadLetter("out_of_range", `value ${x} is outside [${minValue}, ${maxValue}]`, record, config, event.key);
    return null;
  }
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (!Number.isFinite(x)) return deadLetter("not_finite", `coordinate ${i} is ${x}`, record, config, event.key);
    if (x < minValue || x > maxValue) return deadLetter("out_of_range", `coordinate ${i} = ${x} is outside [${minValue}, ${maxValue}]`, record, config, event.key);
  }
  return null;
}

function stringKey(key: unknown): string | undefined {
  return typeof key === "string" && key.length > 0 ? key : undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.length > 40 ? `a string "${value.slice(0, 40)}…"` : `the string ${JSON.stringify(value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

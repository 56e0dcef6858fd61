/**
 * Where archived results live in the bucket:
 *
 *   <prefix>/key=<key>/date=<YYYY-MM-DD>/hour=<HH>/<firstEnd>-<lastEnd>-<writer>-<serial>.jsonl.gz
 *
 * Each object holds window results of one key whose end times (event time, UTC) fall in one
 * hour, as gzip-compressed JSON lines, oldest first. The key (URI-encoded) comes first, so a
 * key's history is one listing; the hour narrows it to the times asked for; the end times
 * in the name let a reader skip objects outside the range without opening them. The writer
 * part (an instance id) keeps two instances from ever writing the same name.
 */

export interface ObjectName {
  key: string;
  hourStart: number;
  firstEnd: number;
  lastEnd: number;
}

const HOUR_MS = 3600_000;

export function hourOf(end: number): number {
  return Math.floor(end / HOUR_MS) * HOUR_MS;
}

/** `<prefix>/key=<key>/`: everything archived for a key. */
export function keyPrefix(prefix: string, key: string): string {
  return `${join(prefix, `key=${encodeURIComponent(key)}`)}/`;
}

/** `<prefix>/key=<key>/date=…/hour=…/`: a key's objects for the hour starting at `hourStart`. */
export function hourPrefix(prefix: string, key: string, hourStart: number): string {
  const iso = new Date(hourStart).toISOString();
  return `${keyPrefix(prefix, key)}date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
}

export function objectName(prefix: string, key: string, firstEnd: number, lastEnd: number, writer: string, serial: number): string {
  return `${hourPrefix(prefix, key, hourOf(firstEnd))}${firstEnd}-${lastEnd}-${writer}-${serial}.jsonl.gz`;
}

const NAME = /\/key=([^/]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/(-?\d+(?:\.\d+)?)-(-?\d+(?:\.\d+)?)-[^/]+\.jsonl\.gz$/;

/** Reads an object's name back; undefined for anything else in the bucket. */
export function parseObjectName(name: string): ObjectName | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const hourStart = Date.parse(`${m[2]}T${m[3]}:00:00Z`);
  if (Number.isNaN(hourStart)) return undefined;
  return { key: decodeURIComponent(m[1]), hourStart, firstEnd: Number(m[4]), lastEnd: Number(m[5]) };
}

function join(prefix: string, part: string): string {
  const trimmed = prefix.replace(/\/+$/, "");
  return trimmed === "" ? part : `${trimmed}/${part}`;
}

import type { RawRecord } from "../../stream/types.ts";

/** `{"key":"…"` at the start of a JSON line, without escapes: the generator's and most producers' shape. */
const LEADING_KEY = /^\s*\{\s*"key"\s*:\s*"([^"\\]*)"/;

/**
 * The key of a raw record, read just far enough to pick its shard. It must agree with the
 * stream layer's validation for every record that validates (a key's events must all land
 * on one shard); for records that will be dead-lettered any answer will do.
 */
export function routeKey(record: RawRecord): string {
  const raw = record.raw;
  if (typeof raw === "string") {
    const json = record.format === "json" || (record.format !== "csv" && firstNonBlank(raw) === "{");
    if (!json) return csvKey(raw);
    const m = LEADING_KEY.exec(raw);
    // A second "key" would win in JSON.parse: then parse properly.
    if (m !== null && raw.indexOf('"key"', m[0].length) === -1) return m[1];
    try {
      return keyOf(JSON.parse(raw));
    } catch {
      return "";
    }
  }
  return keyOf(raw);
}

function keyOf(value: unknown): string {
  if (typeof value === "object" && value !== null && "key" in value) {
    const key = (value as { key: unknown }).key;
    if (typeof key === "string") return key;
  }
  return "";
}

/** As the stream layer reads CSV: the first field, trimmed, quotes and all. */
function csvKey(line: string): string {
  const comma = line.indexOf(",");
  return (comma === -1 ? line : line.slice(0, comma)).trim();
}

/** The same rule as the stream layer's: spaces, tabs and a byte-order mark are blank. */
function firstNonBlank(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xfeff) return s[i];
  }
  return "";
}

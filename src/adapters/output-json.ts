import { OUTPUT_JSON_TEXT, type OutputRecord } from "./types.ts";

/**
 * An output's JSON text as UTF-8 bytes, encoded once per output object however many sinks
 * write it: the runner hands the same objects to every sink (Kafka, the Redis store, the
 * S3 archive), and a window result's JSON (~4 KB of diagram floats) costs more to encode
 * than to send. An output that came with its text (OUTPUT_JSON_TEXT) is not encoded again.
 */
const encoded = new WeakMap<OutputRecord, Buffer>();

export function outputJson(record: OutputRecord): Buffer {
  let bytes = encoded.get(record);
  if (bytes === undefined) {
    bytes = Buffer.from(outputText(record), "utf8");
    encoded.set(record, bytes);
  }
  return bytes;
}

/** An output's JSON text: the one it came with, or JSON.stringify's. */
export function outputText(record: OutputRecord): string {
  return (record as { [OUTPUT_JSON_TEXT]?: string })[OUTPUT_JSON_TEXT] ?? JSON.stringify(record);
}

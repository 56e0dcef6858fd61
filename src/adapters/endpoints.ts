/**
 * The short names of a pipeline's ends, as a command line gives them: `--source file:PATH`,
 * `stdin`, `http`, `demo` or `kafka:TOPIC`; `--sink stdout`, `file:PATH`, `kafka` or `none`.
 * Each names an adapter and the one thing it needs (a path, a topic); the config schema's
 * source and sink settings hold the rest. Parsing answers a problem rather than throwing, so
 * each caller reports it its own way (a usage error on the command line).
 */

export type SourceEndpoint = { type: "file"; path: string } | { type: "kafka"; topic: string } | { type: "stdin" | "http" | "demo" };
export type SinkEndpoint = { type: "file"; path: string } | { type: "stdout" | "kafka" | "none" };
export type Parsed<T> = { endpoint: T } | { problem: string };

export const SOURCE_FORMS = "file:PATH, stdin, http, demo or kafka:TOPIC";
export const SINK_FORMS = "stdout, file:PATH, kafka or none";

/** "kafka:a:b" → ["kafka", "a:b"]: only the first colon separates, paths and topics may hold more. */
function split(text: string): [string, string] {
  const colon = text.indexOf(":");
  return colon < 0 ? [text, ""] : [text.slice(0, colon), text.slice(colon + 1)];
}

export function parseSourceEndpoint(text: string): Parsed<SourceEndpoint> {
  const [type, rest] = split(text);
  if (type === "file") return rest ? { endpoint: { type, path: rest } } : { problem: "file:PATH needs a path, like file:events.jsonl" };
  if (type === "kafka") return rest ? { endpoint: { type, topic: rest } } : { problem: "kafka:TOPIC needs a topic, like kafka:events" };
  if (type === "stdin" || type === "http" || type === "demo") return text.includes(":") ? { problem: `${type} takes no path` } : { endpoint: { type } };
  return { problem: `${text}: expected ${SOURCE_FORMS}` };
}

export function parseSinkEndpoint(text: string): Parsed<SinkEndpoint> {
  const [type, rest] = split(text);
  if (type === "file") return rest ? { endpoint: { type, path: rest } } : { problem: "file:PATH needs a path, like file:results.jsonl" };
  if (type === "stdout" || type === "kafka" || type === "none") return text.includes(":") ? { problem: `${type} takes no path` } : { endpoint: { type } };
  return { problem: `${text}: expected ${SINK_FORMS}` };
}

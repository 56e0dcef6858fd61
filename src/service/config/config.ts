import { readFileSync } from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { resolveConfig } from "../../stream/config.ts";
import type { StreamConfig } from "../../stream/types.ts";
import { TdaInputError } from "../../tda/types.ts";

export type SourceConfig =
  | { type: "file"; path: string; format?: "json" | "csv"; follow: boolean }
  | { type: "stdin"; format: "json" | "csv" | "auto" }
  | { type: "http" }
  | { type: "demo"; keys: number; rate: number; seed: number; limit: number | null };

export type SinkConfig = { type: "stdout" } | { type: "file"; path: string } | { type: "none" };

export interface PipelineConfig {
  source: SourceConfig;
  sink: SinkConfig;
  /** The embedded store; null runs without checkpoints or history. */
  store: { path: string; checkpointIntervalMs: number; retentionHours: number } | null;
  http: { enabled: boolean; host: string; port: number; queueCapacity: number };
  runner: { workers: number; maxInFlight: number; batchSize: number };
  stream: StreamConfig;
}

/** One problem in a config: where (a dotted path, and the line in the file when known) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
  line?: number;
}

export class ConfigError extends TdaInputError {
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    super(problems.map((p) => `${file}${p.line ? `:${p.line}` : ""}: ${p.path || "(top)"}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
}

const STREAM_KEYS = [
  "scales", "embedding", "maxDim", "threshold", "modulus", "maxPointsPerWindow", "maxRawPointsPerWindow", "maxKeys",
  "allowedLatenessMs", "latePolicy", "limits", "detector", "features", "tracking",
];

export const DEFAULT_STREAM: StreamConfig = { scales: [{ size: 128, slide: 8 }], maxDim: 1 };

/**
 * Checks a parsed config against the schema and fills defaults. Every problem is collected
 * (not just the first), each naming its dotted path: `stream.scales[0].slide`.
 */
export function checkConfig(input: unknown): { config?: PipelineConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const c = new Checker(problems);
  const root = c.object(input ?? {}, "", ["source", "sink", "store", "http", "runner", "stream"]);
  if (!root) return { problems };

  let source: SourceConfig = { type: "stdin", format: "auto" };
  const src = c.object(root.source ?? { type: "stdin" }, "source", ["type", "path", "format", "follow", "keys", "rate", "seed", "limit"]);
  if (src) {
    const type = c.oneOf(src.type, "source.type", ["file", "stdin", "http", "demo"]);
    if (type === "file") {
      const path = c.string(src.path, "source.path", true);
      const format = src.format === undefined ? undefined : c.oneOf(src.format, "source.format", ["json", "csv"]);
      source = { type, path: path ?? "", format: format as "json" | "csv" | undefined, follow: c.boolean(src.follow, "source.follow", false) };
    } else if (type === "stdin") {
      source = { type, format: (c.oneOf(src.format ?? "auto", "source.format", ["json", "csv", "auto"]) ?? "auto") as "json" | "csv" | "auto" };
    } else if (type === "http") source = { type };
    else if (type === "demo") {
      source = {
        type,
        keys: c.integer(src.keys, "source.keys", 64, 1, 100_000),
        rate: c.number(src.rate, "source.rate", 2000, 0),
        seed: c.integer(src.seed, "source.seed", 1, 0, 2 ** 31),
        limit: src.limit === undefined || src.limit === null ? null : c.integer(src.limit, "source.limit", 0, 0, Number.MAX_SAFE_INTEGER),
      };
    }
  }

  let sink: SinkConfig = { type: "stdout" };
  const snk = c.object(root.sink ?? { type: "stdout" }, "sink", ["type", "path"]);
  if (snk) {
    const type = c.oneOf(snk.type, "sink.type", ["stdout", "file", "none"]);
    if (type === "file") sink = { type, path: c.string(snk.path, "sink.path", true) ?? "" };
    else if (type === "stdout" || type === "none") sink = { type };
  }

  let store: PipelineConfig["store"] = null;
  if (root.store !== undefined && root.store !== null && root.store !== "none") {
    const st = c.object(root.store, "store", ["path", "checkpointIntervalMs", "retentionHours"]);
    if (st) {
      store = {
        path: c.string(st.path, "store.path", false) ?? ".data/streaming-tda.db",
        checkpointIntervalMs: c.integer(st.checkpointIntervalMs, "store.checkpointIntervalMs", 5000, 10, 3_600_000),
        retentionHours: c.number(st.retentionHours, "store.retentionHours", 24, 0),
      };
    }
  }

  const ht = c.object(root.http ?? {}, "http", ["enabled", "host", "port", "queueCapacity"]);
  const http = {
    enabled: c.boolean(ht?.enabled, "http.enabled", true),
    host: c.string(ht?.host, "http.host", false) ?? "0.0.0.0",
    port: c.integer(ht?.port, "http.port", 8080, 0, 65535),
    queueCapacity: c.integer(ht?.queueCapacity, "http.queueCapacity", 20_000, 1, 10_000_000),
  };
  if (source.type === "http" && !http.enabled) problems.push({ path: "http.enabled", message: "must be true when source.type is http" });

  const rn = c.object(root.runner ?? {}, "runner", ["workers", "maxInFlight", "batchSize"]);
  const runner = {
    workers: c.integer(rn?.workers, "runner.workers", 2, 0, 64),
    maxInFlight: c.integer(rn?.maxInFlight, "runner.maxInFlight", 4096, 1, 10_000_000),
    batchSize: c.integer(rn?.batchSize, "runner.batchSize", 512, 1, 100_000),
  };

  const stream = (root.stream === undefined ? { ...DEFAULT_STREAM } : root.stream) as StreamConfig;
  const st = c.object(stream, "stream", STREAM_KEYS);
  if (st) {
    try {
      resolveConfig(stream);
    } catch (err) {
      if (!(err instanceof TdaInputError)) throw err;
      // The stream layer names the field as "stream config: scales[0].slide …".
      const m = /^stream config: ([A-Za-z][\w.[\]]*):?\s*(.*)$/s.exec(err.message);
      if (m) problems.push({ path: `stream.${m[1]}`, message: m[2] || err.message });
      else problems.push({ path: "stream", message: err.message.replace(/^stream config: /, "") });
    }
  }
  if (problems.length > 0) return { problems };
  return { config: { source, sink, store, http, runner, stream }, problems };
}

/** Reads and checks a YAML config; throws ConfigError listing every problem with its line. */
export function loadConfigFile(file: string): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new TdaInputError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConfigText(text, file);
}

export function parseConfigText(text: string, file = "config"): PipelineConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: "", line: lineCounter.linePos(e.pos[0]).line, message: `YAML: ${e.message.split("\n")[0]}` })),
    );
  }
  const { config, problems } = checkConfig(doc.toJS());
  if (config) return config;
  for (const problem of problems) problem.line = lineOf(doc, lineCounter, problem.path);
  throw new ConfigError(file, problems);
}

/** The line of the node at a dotted path, or of its nearest ancestor present in the file. */
function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: string): number | undefined {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  for (let n = parts.length; n > 0; n--) {
    const node = doc.getIn(parts.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === "object" && node.range) return counter.linePos(node.range[0]).line;
    const parent = n > 1 ? doc.getIn(parts.slice(0, n - 1), true) : doc.contents;
    if (isMap(parent)) {
      const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === parts[n - 1]);
      const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (range) return counter.linePos(range[0]).line;
    } else if (isSeq(parent)) continue;
  }
  return undefined;
}

/** Collects problems while reading values; each method returns the value or its default. */
class Checker {
  private readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    this.problems = problems;
  }

  private problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  object(value: unknown, path: string, known: string[]): Record<string, unknown> | undefined {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.problem(path, `must be a mapping, got ${describe(value)}`);
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase().replace(/[_-]/g, "")) <= 2);
        this.problem(path ? `${path}.${key}` : key, `unknown setting${near ? ` (did you mean "${near}"?)` : `; known: ${known.join(", ")}`}`);
      }
    }
    return value as Record<string, unknown>;
  }

  oneOf(value: unknown, path: string, allowed: string[]): string | undefined {
    if (typeof value === "string" && allowed.includes(value)) return value;
    this.problem(path, `must be one of ${allowed.join(", ")}, got ${describe(value)}`);
    return undefined;
  }

  string(value: unknown, path: string, required: boolean): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.problem(path, "is required");
      return undefined;
    }
    if (typeof value !== "string" || value.length === 0) {
      this.problem(path, `must be a non-empty string, got ${describe(value)}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value === "boolean") return value;
    this.problem(path, `must be true or false, got ${describe(value)}`);
    return fallback;
  }

  number(value: unknown, path: string, fallback: number, min: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
      this.problem(path, `must be a number ≥ ${min}, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  integer(value: unknown, path: string, fallback: number, min: number, max: number): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.problem(path, `must be an integer from ${min} to ${max}, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }
}

/** Levenshtein distance, for "did you mean" on a misspelt setting. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

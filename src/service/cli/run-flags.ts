import { parseArgs } from "node:util";
import { TdaInputError } from "../../tda/types.ts";
import { UsageError } from "./args.ts";
import type { PipelineConfig } from "../config/config.ts";

/** The common options of `run` and `demo`, as node's parseArgs declares them. */
export const PIPELINE_FLAGS = {
  config: { type: "string" },
  source: { type: "string" },
  sink: { type: "string" },
  window: { type: "string" },
  slide: { type: "string" },
  "max-dim": { type: "string" },
  embed: { type: "string" },
  store: { type: "string" },
  port: { type: "string" },
  workers: { type: "string" },
  follow: { type: "boolean" },
  format: { type: "string" },
  "checkpoint-interval": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type PipelineFlags = ReturnType<typeof parsePipelineFlags>;

export function parsePipelineFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: PIPELINE_FLAGS, allowPositionals: false, strict: true }).values;
  } catch (err) {
    // A command line that does not parse: exit 2, like every other command.
    throw new UsageError(`${(err as Error).message} (see streaming-tda run --help)`);
  }
}

/**
 * Applies flags over a config (flags win). `--window` and `--slide` replace the scales with
 * one: a count window (`--window 128`) or a time window (`--window 10s --slide 1s`).
 */
export function applyFlags(config: PipelineConfig, flags: PipelineFlags): PipelineConfig {
  const out: PipelineConfig = structuredClone(config);
  if (flags.source !== undefined) {
    const [type, ...rest] = flags.source.split(":");
    const arg = rest.join(":");
    if (type === "file") {
      if (!arg) throw new TdaInputError("--source file:PATH needs a path, like --source file:events.jsonl");
      out.source = { type: "file", path: arg, follow: false };
    } else if (type === "stdin") out.source = { type: "stdin", format: "auto" };
    else if (type === "http") out.source = { type: "http" };
    else if (type === "demo") {
      // Keeps the demo settings of a config that already has them.
      if (out.source.type !== "demo") out.source = { type: "demo", keys: 64, rate: 2000, seed: 1, limit: null };
    }
    else throw new TdaInputError(`--source ${flags.source}: expected file:PATH, stdin, http or demo`);
  }
  if (flags.follow) {
    if (out.source.type !== "file") throw new TdaInputError("--follow applies to a file source only");
    out.source.follow = true;
  }
  if (flags.format !== undefined) {
    if (flags.format !== "json" && flags.format !== "csv") throw new TdaInputError(`--format ${flags.format}: expected json or csv`);
    if (out.source.type === "file" || out.source.type === "stdin") out.source.format = flags.format;
  }
  if (flags.sink !== undefined) {
    const [type, ...rest] = flags.sink.split(":");
    const arg = rest.join(":");
    if (type === "stdout") out.sink = { type: "stdout" };
    else if (type === "none") out.sink = { type: "none" };
    else if (type === "file" && arg) out.sink = { type: "file", path: arg };
    else throw new TdaInputError(`--sink ${flags.sink}: expected stdout, file:PATH or none`);
  }
  if (flags.store !== undefined) {
    if (flags.store === "none") out.store = null;
    else out.store = { path: flags.store, checkpointIntervalMs: out.store?.checkpointIntervalMs ?? 5000, retentionHours: out.store?.retentionHours ?? 24 };
  }
  if (flags["checkpoint-interval"] !== undefined) {
    const ms = positiveInteger(flags["checkpoint-interval"], "--checkpoint-interval");
    if (!out.store) throw new TdaInputError("--checkpoint-interval needs a store (--store PATH)");
    out.store.checkpointIntervalMs = ms;
  }
  if (flags.port !== undefined) {
    if (flags.port === "none") out.http.enabled = false;
    else out.http.port = integerIn(flags.port, "--port", 0, 65535);
  }
  if (flags.workers !== undefined) out.runner.workers = integerIn(flags.workers, "--workers", 0, 64);
  if (flags.window !== undefined || flags.slide !== undefined) {
    const first = out.stream.scales[0] ?? { size: 128, slide: 8 };
    const windowText = flags.window ?? ("size" in first ? String(first.size) : `${first.durationMs}ms`);
    const duration = parseDuration(windowText);
    if (duration !== undefined) {
      const slide = flags.slide === undefined ? Math.max(1, Math.round(duration / 10)) : parseDuration(flags.slide);
      if (slide === undefined || slide <= 0) throw new TdaInputError(`--slide ${flags.slide}: a time window slides by a duration, like 1s or 250ms`);
      out.stream.scales = [{ durationMs: duration, slideMs: slide }];
    } else {
      const size = positiveInteger(windowText, "--window");
      const slide = flags.slide === undefined ? Math.max(1, Math.round(size / 16)) : positiveInteger(flags.slide, "--slide");
      out.stream.scales = [{ size, slide }];
    }
  }
  if (flags["max-dim"] !== undefined) out.stream.maxDim = integerIn(flags["max-dim"], "--max-dim", 0, 8);
  if (flags.embed !== undefined) {
    const m = /^(\d+),(\d+)$/.exec(flags.embed.trim());
    if (!m) throw new TdaInputError(`--embed ${flags.embed}: expected DIM,DELAY, like --embed 3,2`);
    out.stream.embedding = { dimension: Number(m[1]), delay: Number(m[2]) };
  }
  return out;
}

/** "250ms", "10s", "1m", "1h" in milliseconds; undefined for a plain number (a count). */
function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  return Math.round(Number(m[1]) * unit);
}

function positiveInteger(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || !Number.isSafeInteger(n)) throw new TdaInputError(`${flag} ${text}: expected a positive integer`);
  return n;
}

function integerIn(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < min || n > max) throw new TdaInputError(`${flag} ${text}: expected an integer from ${min} to ${max}`);
  return n;
}

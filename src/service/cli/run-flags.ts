/**
 * The options of `run` and `demo`, and how each maps onto the config schema. An option with
 * a `setting` sets that one setting, read as its type and checked by its rules (its help and
 * default come from the schema); the others (`--source file:PATH`, `--window 10s`) set several
 * settings at once. Flags are the last layer, over the config file and the environment.
 */
import process from "node:process";
import { parseSinkEndpoint, parseSourceEndpoint, SINK_FORMS, SOURCE_FORMS, type Parsed } from "../../adapters/endpoints.ts";
import { settingAt, settingFromText, type ScalarSetting } from "../../stream/settings.ts";
import { STREAM_SETTINGS } from "../../stream/config.ts";
import type { Assignment } from "../config/env.ts";
import { assign, draftValue, resolvePipelineConfig, type PipelineConfig } from "../config/config.ts";
import { PIPELINE_SETTINGS } from "../config/schema.ts";
import { optionText, parseOrHelp, UsageError, type CommandSpec, type OptionSpec, type ParsedArgs } from "./args.ts";

type Draft = Record<string, unknown>;

interface PipelineOption extends OptionSpec {
  /** The setting this option sets, by path. */
  setting?: string;
  /** For an option that sets several: the settings, given the draft config so far. */
  apply?: (text: string | true, draft: Draft) => Array<[string, unknown]>;
}

function setting(path: string): ScalarSetting {
  const found = settingAt(PIPELINE_SETTINGS, path);
  if (!found) throw new Error(`no setting ${path} in the schema`);
  return found;
}

/** The endpoint an option names, or its problem as a usage error. */
function endpoint<T>(option: string, parsed: Parsed<T>): T {
  if ("problem" in parsed) throw new UsageError(`--${option} ${parsed.problem}`);
  return parsed.endpoint;
}

/** An option that sets one setting: help and default from the schema. */
function direct(name: string, value: string | undefined, path: string): PipelineOption {
  const s = setting(path);
  const fallback = s.default === undefined || value === undefined ? "" : `, default ${String(s.default)}`;
  return { name, value, setting: path, help: `${s.help} [${path}${fallback}]` };
}

export const PIPELINE_OPTIONS: PipelineOption[] = [
  { name: "config", value: "FILE", help: "YAML config (see config/pipeline.example.yaml); the environment and flags override it" },
  {
    name: "source",
    value: "SRC",
    help: `${SOURCE_FORMS} [source.type and .path or .topic, default stdin]`,
    apply: (text, draft) => {
      const source = endpoint("source", parseSourceEndpoint(String(text)));
      if (source.type === "file") return [["source.type", "file"], ["source.path", source.path]];
      if (source.type === "kafka") return [["source.type", "kafka"], ["source.topic", source.topic]];
      // A config's settings for the same source (demo rate, keys) stay.
      return draftValue(draft, "source.type") === source.type ? [] : [["source.type", source.type]];
    },
  },
  direct("follow", undefined, "source.follow"),
  direct("format", "json|csv", "source.format"),
  {
    name: "sink",
    value: "SINK",
    help: `${SINK_FORMS} (kafka: the kafka.*Topic topics) [sink.type and .path, default stdout]`,
    apply: (text) => {
      const sink = endpoint("sink", parseSinkEndpoint(String(text)));
      return sink.type === "file" ? [["sink.type", "file"], ["sink.path", sink.path]] : [["sink.type", sink.type]];
    },
  },
  {
    name: "window",
    value: "SIZE",
    help: "points per window, or a duration (10s, 250ms) for a time window [stream.scales, default 128]",
    apply: (text, draft) => windowScales(String(text), undefined, draft),
  },
  {
    name: "slide",
    value: "N",
    help: "points (or a duration) between windows [stream.scales, default SIZE/16 or a tenth of the duration]",
    apply: (text, draft) => windowScales(undefined, String(text), draft),
  },
  direct("max-dim", "K", "stream.maxDim"),
  {
    name: "embed",
    value: "DIM,DELAY",
    help: "time-delay embedding for scalar streams [stream.embedding]",
    apply: (text) => {
      const m = /^\s*([^,]+),([^,]+)$/.exec(String(text));
      if (!m) throw new UsageError(`--embed ${String(text)}: expected DIM,DELAY, like --embed 3,2`);
      const integer = setting("stream.embedding.dimension");
      return [["stream.embedding", { dimension: settingFromText(integer, m[1]), delay: settingFromText(integer, m[2]) }]];
    },
  },
  {
    name: "store",
    value: "PATH|none",
    help: "store for checkpoints and result history: a SQLite file, redis://HOST:PORT, or none [store.path, default none]",
    apply: (text) => (text === "none" ? [["store", "none"]] : [["store.path", text]]),
  },
  {
    ...direct("checkpoint-interval", "MS", "store.checkpointIntervalMs"),
    apply: (text, draft) => {
      const store = draftValue(draft, "store");
      if (store === undefined || store === null || store === "none") throw new UsageError("--checkpoint-interval needs a store (--store PATH)");
      return [["store.checkpointIntervalMs", settingFromText(setting("store.checkpointIntervalMs"), String(text))]];
    },
  },
  direct("host", "ADDR", "http.host"),
  {
    name: "port",
    value: "N|none",
    help: "HTTP port for probes, metrics, flags, API; none: no HTTP [http.port, default 8080]",
    apply: (text) => (text === "none" ? [["http.enabled", false]] : [["http.port", settingFromText(setting("http.port"), String(text))]]),
  },
  direct("workers", "N", "runner.workers"),
];

export const PIPELINE_NOTES = [
  "Settings come from the schema's defaults, then the config file, then the environment, then these flags; each flag names the setting it sets in brackets. Every setting, with its default, is in config/pipeline.example.yaml.",
  "Environment: every setting can be set as STREAMING_TDA_ and its path in upper snake case (STREAMING_TDA_HTTP_PORT=9090, STREAMING_TDA_STREAM_MAX_DIM=2; a list with commas, STREAMING_TDA_STREAM_TRACKING_DIMS=0,1); LOG_LEVEL (debug, info, warn, error) sets log.level.",
  "Logs are JSON lines on stderr.",
];

/** "250ms", "10s", "1m", "1h" in milliseconds; undefined for anything else (a count). */
function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  return Math.round(Number(m[1]) * unit);
}

/**
 * `--window` and `--slide` replace the scales with one: a count window (`--window 128`) or a
 * time window (`--window 10s --slide 1s`). Either alone keeps the other from the first scale.
 */
function windowScales(windowText: string | undefined, slideText: string | undefined, draft: Draft): Array<[string, unknown]> {
  const scales = draftValue(draft, "stream.scales");
  const defaults = STREAM_SETTINGS.fields.scales.type === "list" ? STREAM_SETTINGS.fields.scales.default : undefined;
  const first = ((Array.isArray(scales) ? scales[0] : undefined) ?? defaults?.[0] ?? {}) as Record<string, unknown>;
  const window = windowText ?? ("durationMs" in first ? `${String(first.durationMs)}ms` : String(first.size));
  const duration = parseDuration(window);
  const count = setting("stream.embedding.dimension");
  if (duration !== undefined) {
    const slide = slideText === undefined ? Math.max(1, Math.round(duration / 10)) : (parseDuration(slideText) ?? settingFromText(count, slideText));
    return [["stream.scales", [{ durationMs: duration, slideMs: slide }]]];
  }
  const size = settingFromText(count, window);
  const kept = windowText === undefined && "slide" in first ? first.slide : undefined;
  const slide = slideText !== undefined ? settingFromText(count, slideText) : (kept ?? (typeof size === "number" ? Math.max(1, Math.round(size / 16)) : 1));
  return [["stream.scales", [{ size, slide }]]];
}

/** The settings the given flags set, applied over `draft` in the order of PIPELINE_OPTIONS. */
export function flagAssignments(args: ParsedArgs, draft: Draft): Assignment[] {
  const out: Assignment[] = [];
  const view = structuredClone(draft);
  for (const option of PIPELINE_OPTIONS) {
    const text = args.options.get(option.name);
    if (text === undefined || option.name === "config") continue;
    const origin = `--${option.name}`;
    const pairs: Array<[string, unknown]> = option.apply
      ? option.apply(text, view)
      : [[option.setting!, text === true ? true : settingFromText(setting(option.setting!), text)]];
    for (const [path, value] of pairs) {
      assign(view, path, value);
      out.push({ path, value, origin });
    }
  }
  return out;
}

/** A pipeline command's spec: its own name and text, the shared options. */
export function pipelineSpec(spec: Omit<CommandSpec, "options" | "maxPositionals">): CommandSpec {
  return { ...spec, options: PIPELINE_OPTIONS, notes: [...(spec.notes ?? []), ...PIPELINE_NOTES] };
}

/**
 * Parses a pipeline command's line and resolves its config from every layer: `profile`
 * (the command's own defaults) unless --config names a file, the environment, then the
 * flags. Null when --help was asked for (and printed).
 */
export function pipelineConfigFromArgs(argv: string[], spec: CommandSpec, profile: Draft = {}, env: NodeJS.ProcessEnv = process.env): PipelineConfig | null {
  const args = parseOrHelp(argv, spec);
  if (args === null) return null;
  const file = optionText(args, spec, "config");
  return resolvePipelineConfig({ file, profile, env, flags: (draft) => flagAssignments(args, draft) });
}

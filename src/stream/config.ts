/**
 * The stream layer's settings, declared once (type, default, bounds, help), and the
 * resolved form the hot path reads: defaults filled and checked once, so it reads plain
 * fields and never tests for undefined. Invalid settings come back as structured problems
 * (`checkStreamConfig`); `resolveConfig` throws them, all at once, for library callers.
 */
import { TdaInputError } from "../tda/types.ts";
import { checkSettings, formatProblem, join, type SectionSetting, type SettingProblem } from "./settings.ts";
import { MAX_WINDOW_POINTS } from "./slot-complex.ts";
import type { FeatureName, LatePolicy, StreamConfig } from "./types.ts";

export interface ResolvedScale {
  name: string;
  kind: "count" | "time";
  /** Count: points per window and per slide. Time: milliseconds. */
  size: number;
  slide: number;
}

export interface ResolvedConfig {
  scales: ResolvedScale[];
  embedding: { dimension: number; delay: number } | null;
  maxDim: number;
  /** null: each window's enclosing radius. */
  threshold: number | null;
  modulus: number;
  maxPointsPerWindow: number;
  maxRawPointsPerWindow: number;
  maxKeys: number;
  allowedLatenessMs: number;
  latePolicy: LatePolicy;
  limits: { minValue: number; maxValue: number; maxDimension: number; maxKeyLength: number; maxRawLength: number };
  /** `span` 0: derived per scale (see detector.ts). */
  detector: { warmup: number; threshold: number; history: number; minRelativeSpread: number; span: number };
  features: FeatureName[];
  tracking: { dims: number[]; minRelativePersistence: number; updateRelativeChange: number };
  projection: boolean;
}

export const ALL_FEATURES: readonly FeatureName[] = ["count", "total_persistence", "entropy"];

const SCALE_NAME = { type: "string", help: 'name in results and ids (default "SIZE/SLIDE", e.g. "128/8")' } as const;

/** Every setting of the stream layer; docs/stream.md says what each does. */
export const STREAM_SETTINGS: SectionSetting = {
  type: "section",
  help: "the stream layer: windows, homology, limits, detection",
  fields: {
    scales: {
      type: "list",
      help: "window scales computed side by side on every key",
      minItems: 1,
      default: [{ size: 128, slide: 8 }],
      item: {
        type: "shapes",
        help: "a count window {size, slide} or a time window {durationMs, slideMs}",
        shapes: [
          {
            key: "size",
            fields: {
              name: SCALE_NAME,
              size: { type: "integer", min: 1, required: true, help: "points per window" },
              slide: { type: "integer", min: 1, required: true, help: "new points between windows" },
            },
          },
          {
            key: "durationMs",
            fields: {
              name: SCALE_NAME,
              durationMs: { type: "number", min: 0, exclusiveMin: true, required: true, help: "window length in event-time milliseconds" },
              slideMs: { type: "number", min: 0, exclusiveMin: true, required: true, help: "milliseconds between windows" },
            },
          },
        ],
      },
    },
    embedding: {
      type: "section",
      optional: true,
      help: "time-delay embedding for scalar streams (absent: events are vectors)",
      fields: {
        dimension: { type: "integer", min: 1, required: true, help: "coordinates per embedded point" },
        delay: { type: "integer", min: 1, required: true, help: "samples between coordinates" },
      },
    },
    maxDim: { type: "integer", min: 0, max: 8, default: 1, help: "highest homology dimension" },
    threshold: { type: "number", min: 0, help: "largest simplex diameter (absent: each window's enclosing radius, exact)" },
    modulus: { type: "integer", min: 2, default: 2, help: "prime modulus of the coefficient field", check: (p) => (isPrime(p) ? undefined : "must be a prime") },
    maxPointsPerWindow: {
      type: "integer",
      min: 2,
      max: MAX_WINDOW_POINTS,
      default: 256,
      help: "larger windows are computed on this many maxmin landmarks",
    },
    maxRawPointsPerWindow: { type: "integer", min: 2, default: 4096, help: "raw points a window holds; a time window beyond it keeps every other point" },
    maxKeys: { type: "integer", min: 1, default: 10_000, help: "live keys in memory; the least recently used are evicted" },
    allowedLatenessMs: { type: "number", min: 0, default: 0, help: "how far behind a key's latest event time an event may arrive and still be placed" },
    latePolicy: { type: "enum", values: ["dead-letter", "drop"], default: "dead-letter", help: "what happens to later events" },
    limits: {
      type: "section",
      help: "limits an event must meet; failing events become dead letters",
      fields: {
        minValue: { type: "number", default: -1e9, help: "smallest coordinate" },
        maxValue: { type: "number", default: 1e9, help: "largest coordinate" },
        maxDimension: { type: "integer", min: 1, default: 64, help: "most coordinates of a vector event" },
        maxKeyLength: { type: "integer", min: 1, default: 256, help: "longest key, in UTF-16 code units" },
        maxRawLength: { type: "integer", min: 16, default: 65_536, help: "longest raw input line, in characters" },
      },
      rules: [
        (limits, path) =>
          (limits.minValue as number) > (limits.maxValue as number)
            ? [{ path: join(path, "minValue"), rule: `must not be above ${join(path, "maxValue")} (${limits.maxValue as number})`, got: limits.minValue }]
            : [],
      ],
    },
    detector: {
      type: "section",
      help: "the change detector (docs/stream.md)",
      fields: {
        warmup: { type: "integer", min: 1, default: 30, help: "scores collected before any flag is raised" },
        threshold: { type: "number", min: 0, default: 8, help: "flag when the score exceeds this many robust standard deviations" },
        history: { type: "integer", min: 4, default: 256, help: "past lasting distances the median and MAD are taken over" },
        minRelativeSpread: { type: "number", min: 0, default: 0.5, help: "smallest robust spread, as a fraction of the median distance" },
        span: { type: "integer", min: 1, help: "reference distances the lasting distance is the minimum of (default: one window length)" },
      },
    },
    features: {
      type: "list",
      help: "features computed per window",
      default: ALL_FEATURES,
      item: { type: "enum", values: ALL_FEATURES, help: "a feature" },
    },
    tracking: {
      type: "section",
      help: "feature tracking: which features get ids and birth/death/update events",
      fields: {
        dims: { type: "list", default: [1], help: "homology dimensions tracked", item: { type: "integer", min: 0, help: "a dimension" } },
        minRelativePersistence: { type: "number", min: 0, default: 0.1, help: "smallest persistence tracked, as a fraction of the window's threshold" },
        updateRelativeChange: { type: "number", min: 0, default: 0.25, help: "relative change in persistence that emits feature_update" },
      },
    },
    projection: {
      type: "boolean",
      default: false,
      help: "window results carry their points on the first two principal components (the live page draws them; about 12 bytes a point in every stored result)",
    },
  },
  rules: [crossFieldRules],
};

/** Rules between fields, run once each field is valid on its own. */
function crossFieldRules(config: Record<string, unknown>, path: string): SettingProblem[] {
  const stream = config as unknown as StreamConfig & { limits: { maxDimension: number } };
  const problems: SettingProblem[] = [];
  const names = new Set<string>();
  stream.scales.forEach((scale, i) => {
    const name = scaleName(scale);
    if (names.has(name)) problems.push({ path: join(path, `scales[${i}].name`), rule: "must differ from the other scales' names", got: name });
    names.add(name);
    if ("size" in scale && scale.size > stream.maxRawPointsPerWindow!) {
      problems.push({ path: join(path, `scales[${i}].size`), rule: `must not be above ${join(path, "maxRawPointsPerWindow")} (${stream.maxRawPointsPerWindow})`, got: scale.size });
    }
  });
  if (stream.embedding && stream.embedding.dimension > stream.limits.maxDimension) {
    problems.push({ path: join(path, "embedding.dimension"), rule: `must not be above ${join(path, "limits.maxDimension")} (${stream.limits.maxDimension})`, got: stream.embedding.dimension });
  }
  return problems;
}

function scaleName(scale: StreamConfig["scales"][number]): string {
  if (scale.name !== undefined) return scale.name;
  return "size" in scale ? `${scale.size}/${scale.slide}` : `${scale.durationMs}ms/${scale.slideMs}ms`;
}

/** A stream config that breaks rules of STREAM_SETTINGS; `problems` lists every one. */
export class StreamConfigError extends TdaInputError {
  readonly problems: SettingProblem[];
  constructor(problems: SettingProblem[]) {
    super(`stream config: ${problems.map(formatProblem).join("; ")}`);
    this.problems = problems;
  }
}

/** The config with every default filled, or the problems; paths are prefixed with `path`. */
export function checkStreamConfig(config: unknown, path = ""): { config?: StreamConfig; problems: SettingProblem[] } {
  const { value, problems } = checkSettings(STREAM_SETTINGS, config, path);
  return problems.length > 0 ? { problems } : { config: value as StreamConfig, problems };
}

export function resolveConfig(config: StreamConfig): ResolvedConfig {
  const checked = checkStreamConfig(config);
  if (!checked.config) throw new StreamConfigError(checked.problems);
  const filled = checked.config as Required<StreamConfig> & ResolvedConfig;
  return {
    ...filled,
    scales: filled.scales.map((scale) =>
      "size" in scale
        ? { name: scaleName(scale), kind: "count", size: scale.size, slide: scale.slide }
        : { name: scaleName(scale), kind: "time", size: scale.durationMs, slide: scale.slideMs },
    ),
    embedding: filled.embedding ?? null,
    threshold: filled.threshold ?? null,
    detector: { ...filled.detector, span: filled.detector.span ?? 0 },
  };
}

function isPrime(p: number): boolean {
  if (p < 2) return false;
  for (let d = 2; d * d <= p; d++) if (p % d === 0) return false;
  return true;
}

/**
 * StreamConfig with its defaults filled in and checked once, so the hot path reads plain
 * fields and never tests for undefined.
 */
import { TdaInputError } from "../tda/types.ts";
import { MAX_WINDOW_POINTS } from "./slot-complex.ts";
import type { FeatureName, LatePolicy, ScaleConfig, StreamConfig } from "./types.ts";

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
}

export const ALL_FEATURES: readonly FeatureName[] = ["count", "total_persistence", "entropy"];

export function resolveConfig(config: StreamConfig): ResolvedConfig {
  if (config === null || typeof config !== "object") throw new TdaInputError("stream config: expected an object");
  if (!Array.isArray(config.scales) || config.scales.length === 0) {
    throw new TdaInputError("stream config: scales must list at least one window, like [{\"size\": 128, \"slide\": 8}]");
  }
  const scales = config.scales.map((scale, i) => resolveScale(scale, `stream config: scales[${i}]`));
  const names = new Set<string>();
  for (const scale of scales) {
    if (names.has(scale.name)) throw new TdaInputError(`stream config: two scales are named "${scale.name}"; give them distinct names`);
    names.add(scale.name);
  }
  let embedding: ResolvedConfig["embedding"] = null;
  if (config.embedding !== undefined) {
    embedding = {
      dimension: integer(config.embedding.dimension, "stream config: embedding.dimension", 1),
      delay: integer(config.embedding.delay, "stream config: embedding.delay", 1),
    };
  }
  const maxDim = integer(config.maxDim ?? 1, "stream config: maxDim", 0);
  const modulus = integer(config.modulus ?? 2, "stream config: modulus", 2);
  if (!isPrime(modulus)) throw new TdaInputError(`stream config: modulus ${modulus} is not a prime`);
  let threshold: number | null = null;
  if (config.threshold !== undefined) {
    if (typeof config.threshold !== "number" || !(config.threshold >= 0) || !Number.isFinite(config.threshold)) {
      throw new TdaInputError(`stream config: threshold ${JSON.stringify(config.threshold)} must be a finite number ≥ 0 (leave it out for the enclosing radius)`);
    }
    threshold = config.threshold;
  }
  const latePolicy = config.latePolicy ?? "dead-letter";
  if (latePolicy !== "dead-letter" && latePolicy !== "drop") {
    throw new TdaInputError(`stream config: latePolicy ${JSON.stringify(latePolicy)} must be "dead-letter" or "drop"`);
  }
  const limits = config.limits ?? {};
  const detector = config.detector ?? {};
  const tracking = config.tracking ?? {};
  const features = config.features ?? [...ALL_FEATURES];
  for (const feature of features) {
    if (!ALL_FEATURES.includes(feature)) throw new TdaInputError(`stream config: feature "${feature}" is not one of ${ALL_FEATURES.join(", ")}`);
  }
  const resolved: ResolvedConfig = {
    scales,
    embedding,
    maxDim,
    threshold,
    modulus,
    maxPointsPerWindow: integer(config.maxPointsPerWindow ?? 256, "stream config: maxPointsPerWindow", 2, MAX_WINDOW_POINTS),
    maxRawPointsPerWindow: integer(config.maxRawPointsPerWindow ?? 4096, "stream config: maxRawPointsPerWindow", 2),
    maxKeys: integer(config.maxKeys ?? 10000, "stream config: maxKeys", 1),
    allowedLatenessMs: nonNegative(config.allowedLatenessMs ?? 0, "stream config: allowedLatenessMs"),
    latePolicy,
    limits: {
      minValue: finite(limits.minValue ?? -1e9, "stream config: limits.minValue"),
      maxValue: finite(limits.maxValue ?? 1e9, "stream config: limits.maxValue"),
      maxDimension: integer(limits.maxDimension ?? 64, "stream config: limits.maxDimension", 1),
      maxKeyLength: integer(limits.maxKeyLength ?? 256, "stream config: limits.maxKeyLength", 1),
      maxRawLength: integer(limits.maxRawLength ?? 65536, "stream config: limits.maxRawLength", 16),
    },
    detector: {
      warmup: integer(detector.warmup ?? 30, "stream config: detector.warmup", 1),
      threshold: nonNegative(detector.threshold ?? 8, "stream config: detector.threshold"),
      history: integer(detector.history ?? 256, "stream config: detector.history", 4),
      minRelativeSpread: nonNegative(detector.minRelativeSpread ?? 0.5, "stream config: detector.minRelativeSpread"),
      span: detector.span === undefined ? 0 : integer(detector.span, "stream config: detector.span", 1),
    },
    features,
    tracking: {
      dims: (tracking.dims ?? [1]).map((d, i) => integer(d, `stream config: tracking.dims[${i}]`, 0)),
      minRelativePersistence: nonNegative(tracking.minRelativePersistence ?? 0.1, "stream config: tracking.minRelativePersistence"),
      updateRelativeChange: nonNegative(tracking.updateRelativeChange ?? 0.25, "stream config: tracking.updateRelativeChange"),
    },
  };
  if (resolved.limits.minValue > resolved.limits.maxValue) {
    throw new TdaInputError(`stream config: limits.minValue ${resolved.limits.minValue} is above limits.maxValue ${resolved.limits.maxValue}`);
  }
  if (embedding !== null && embedding.dimension > resolved.limits.maxDimension) {
    throw new TdaInputError(`stream config: embedding.dimension ${embedding.dimension} is above limits.maxDimension ${resolved.limits.maxDimension}`);
  }
  for (const scale of scales) {
    if (scale.kind === "count" && scale.size > resolved.maxRawPointsPerWindow) {
      throw new TdaInputError(`stream config: scale "${scale.name}" holds ${scale.size} points, more than maxRawPointsPerWindow ${resolved.maxRawPointsPerWindow}`);
    }
  }
  return resolved;
}

function resolveScale(scale: ScaleConfig, where: string): ResolvedScale {
  if (scale === null || typeof scale !== "object") throw new TdaInputError(`${where}: expected {size, slide} or {durationMs, slideMs}`);
  if ("size" in scale) {
    const size = integer(scale.size, `${where}.size`, 1);
    const slide = integer(scale.slide, `${where}.slide`, 1);
    return { name: scale.name ?? `${size}/${slide}`, kind: "count", size, slide };
  }
  if ("durationMs" in scale) {
    const size = positive(scale.durationMs, `${where}.durationMs`);
    const slide = positive(scale.slideMs, `${where}.slideMs`);
    return { name: scale.name ?? `${size}ms/${slide}ms`, kind: "time", size, slide };
  }
  throw new TdaInputError(`${where}: expected {size, slide} (count window) or {durationMs, slideMs} (time window)`);
}

function integer(value: unknown, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new TdaInputError(`${where}: ${JSON.stringify(value)} must be an integer ${range}`);
  }
  return value;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TdaInputError(`${where}: ${JSON.stringify(value)} must be a finite number`);
  return value;
}

function nonNegative(value: unknown, where: string): number {
  if (finite(value, where) < 0) throw new TdaInputError(`${where}: ${JSON.stringify(value)} must be ≥ 0`);
  return value as number;
}

function positive(value: unknown, where: string): number {
  if (!(finite(value, where) > 0)) throw new TdaInputError(`${where}: ${JSON.stringify(value)} must be > 0`);
  return value as number;
}

function isPrime(p: number): boolean {
  if (p < 2) return false;
  for (let d = 2; d * d <= p; d++) if (p % d === 0) return false;
  return true;
}

import { readNamedFile } from "../read-file.ts";
import { TdaInputError } from "../../tda/types.ts";

/** A metric's history: times in Unix seconds, ascending, one value per time. */
export interface Series {
  t: Float64Array;
  v: Float64Array;
}

/**
 * Reads a metric history: the JSON answer of Prometheus's range query (`/api/v1/query_range`,
 * resultType matrix; several series are summed per timestamp, e.g. one per instance), or CSV
 * with a header and two columns, time (ISO 8601 or Unix seconds) and value.
 */
export function readHistory(path: string): Series {
  const text = readNamedFile(path, "").toString("utf8");
  const points = text.trimStart().startsWith("{") ? fromPrometheus(text, path) : fromCsv(text, path);
  if (points.size < 2) throw new TdaInputError(`${path}: ${points.size} point${points.size === 1 ? "" : "s"}; a trend needs at least 2`);
  const times = [...points.keys()].sort((a, b) => a - b);
  return { t: Float64Array.from(times), v: Float64Array.from(times, (t) => points.get(t)!) };
}

function fromPrometheus(text: string, path: string): Map<number, number> {
  let answer: { status?: string; error?: string; data?: { resultType?: string; result?: Array<{ values?: Array<[number, string]> }> } };
  try {
    answer = JSON.parse(text);
  } catch (err) {
    throw new TdaInputError(`${path}: not JSON: ${(err as Error).message}`);
  }
  if (answer.status !== "success") throw new TdaInputError(`${path}: Prometheus answered ${answer.status ?? "no status"}${answer.error ? `: ${answer.error}` : ""}`);
  if (answer.data?.resultType !== "matrix" || !Array.isArray(answer.data.result)) {
    throw new TdaInputError(`${path}: expected a range query's answer (resultType matrix), got ${answer.data?.resultType ?? "no data"}`);
  }
  const sums = new Map<number, number>();
  answer.data.result.forEach((series, s) => {
    for (const [k, pair] of (series.values ?? []).entries()) {
      const t = Number(pair?.[0]);
      const v = Number(pair?.[1]);
      if (!Number.isFinite(t)) throw new TdaInputError(`${path}: series ${s}, value ${k}: time ${JSON.stringify(pair?.[0])} is not a number`);
      if (Number.isNaN(v)) continue; // Prometheus writes "NaN" for a rate over no samples.
      sums.set(t, (sums.get(t) ?? 0) + v);
    }
  });
  return sums;
}

function fromCsv(text: string, path: string): Map<number, number> {
  const lines = text.split(/\r?\n/);
  const points = new Map<number, number>();
  lines.forEach((line, k) => {
    if (k === 0 || line.trim() === "") return; // the header
    const [time, value, ...rest] = line.split(",").map((c) => c.trim());
    if (value === undefined || rest.length > 0) throw new TdaInputError(`${path}:${k + 1}: expected two columns, time and value`);
    const t = /^\d+(\.\d+)?$/.test(time) ? Number(time) : Date.parse(time) / 1000;
    if (!Number.isFinite(t)) throw new TdaInputError(`${path}:${k + 1}: time ${JSON.stringify(time)} is neither ISO 8601 nor Unix seconds`);
    const v = Number(value);
    if (value === "" || !Number.isFinite(v)) throw new TdaInputError(`${path}:${k + 1}: value ${JSON.stringify(value)} is not a number`);
    points.set(t, (points.get(t) ?? 0) + v);
  });
  return points;
}

/** "30d", "12w", "6h", "90m" in seconds. */
export function parseHorizon(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * { m: 60, h: 3600, d: 86_400, w: 604_800 }[m[2] as "m" | "h" | "d" | "w"];
}

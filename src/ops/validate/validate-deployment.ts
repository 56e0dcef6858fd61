import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { CheckResult } from "../preflight/checks.ts";

export interface ValidateOptions {
  url: string;
  events: number;
  timeoutMs: number;
  token?: string;
  /** Called with each result as it is known, so a slow step shows where it is. */
  report(result: CheckResult): void;
}

/** The sum of every sample of a metric in a Prometheus text exposition; undefined if absent. */
export function metricTotal(exposition: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== " " && line[name.length] !== "{")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/**
 * The runbook's post-deployment validation: /health, /ready and /metrics answer 200, then
 * `events` test events POSTed under a key of their own are counted as processed by the
 * metrics within the timeout, and the key's window results are looked up in the query API.
 * Stops at the first failure; returns whether every step passed.
 */
export async function validateDeployment(options: ValidateOptions): Promise<boolean> {
  const base = options.url.replace(/\/+$/, "");
  const deadline = Date.now() + options.timeoutMs;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const get = async (path: string) => {
    const res = await fetch(base + path, { headers, signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
    return { status: res.status, text: await res.text() };
  };
  const step = async (name: string, body: () => Promise<CheckResult>): Promise<boolean> => {
    let result: CheckResult;
    try {
      result = await body();
    } catch (err) {
      // fetch puts the reason (ECONNREFUSED, a DNS failure, a timeout) in its cause.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      result = { name, status: "FAIL", detail: `${base}: ${cause?.code ?? cause?.message ?? (err as Error).message}` };
    }
    options.report(result);
    return result.status !== "FAIL";
  };
  const answers200 = (name: string, path: string, check?: (text: string) => string | undefined) =>
    step(name, async () => {
      const { status, text } = await get(path);
      if (status !== 200) return { name, status: "FAIL", detail: `GET ${path} answered ${status}: ${text.slice(0, 200)}` };
      const problem = check?.(text);
      return problem ? { name, status: "FAIL", detail: problem } : { name, status: "ok", detail: `GET ${path}: 200` };
    });

  if (!(await answers200("health", "/health"))) return false;
  if (!(await answers200("ready", "/ready"))) return false;
  let before = 0;
  const processed = "streaming_tda_events_processed_total";
  const metricsOk = await answers200("metrics", "/metrics", (text) => {
    const total = metricTotal(text, processed);
    if (total === undefined) return `GET /metrics has no ${processed}: is this streaming-tda?`;
    before = total;
    return undefined;
  });
  if (!metricsOk) return false;

  const key = `validate-deployment-${randomBytes(4).toString("hex")}`;
  const sent = await step("events", async () => {
    const start = Date.now();
    const lines = Array.from({ length: options.events }, (_, i) => {
      const t = (2 * Math.PI * i) / options.events;
      return JSON.stringify({ key, ts: start + i, value: [Math.cos(t), Math.sin(t), 0] });
    });
    while (true) {
      const res = await fetch(`${base}/events`, { method: "POST", headers: { ...headers, "content-type": "application/x-ndjson" }, body: lines.join("\n"), signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())) });
      const text = await res.text();
      if (res.status === 202) return { name: "events", status: "ok", detail: `POST /events: ${options.events} test events accepted under key ${key}` };
      const retry = Number(res.headers.get("retry-after") ?? NaN);
      if ((res.status === 429 || res.status === 503) && Number.isFinite(retry) && Date.now() + retry * 1000 < deadline) {
        await sleep(retry * 1000);
        continue;
      }
      return { name: "events", status: "FAIL", detail: `POST /events answered ${res.status}: ${text.slice(0, 200)}` };
    }
  });
  if (!sent) return false;

  const counted = await step("processed", async () => {
    let now = before;
    while (Date.now() < deadline) {
      const { status, text } = await get("/metrics");
      if (status === 200) now = metricTotal(text, processed) ?? now;
      if (now - before >= options.events) return { name: "processed", status: "ok", detail: `${processed} rose by ${now - before} (≥ ${options.events})` };
      await sleep(250);
    }
    return { name: "processed", status: "FAIL", detail: `${processed} rose by ${now - before} of ${options.events} within ${options.timeoutMs / 1000} s` };
  });
  if (!counted) return false;

  return step("results", async () => {
    const { status, text } = await get("/api/keys");
    if (status === 404) return { name: "results", status: "warn", detail: "no store configured: window results are not queryable (GET /api/keys answered 404)" };
    if (status !== 200) return { name: "results", status: "FAIL", detail: `GET /api/keys answered ${status}: ${text.slice(0, 200)}` };
    const entry = (JSON.parse(text) as { keys: Array<{ key: string; windows: number }> }).keys.find((k) => k.key === key);
    if (entry && entry.windows > 0) return { name: "results", status: "ok", detail: `GET /api/keys: ${entry.windows} window results for ${key}` };
    return { name: "results", status: "warn", detail: `GET /api/keys: no window result for ${key} (the window is longer than ${options.events} points)` };
  });
}

import type { Series } from "./history.ts";

export interface Trend {
  /** Value at time t: intercept + slope * (t - t0). */
  t0: number;
  intercept: number;
  /** Per second. */
  slope: number;
  r2: number;
}

/** Least-squares line through a series. */
export function fitTrend(s: Series): Trend {
  const n = s.t.length;
  const t0 = s.t[0];
  let st = 0;
  let sv = 0;
  for (let i = 0; i < n; i++) {
    st += s.t[i] - t0;
    sv += s.v[i];
  }
  const mt = st / n;
  const mv = sv / n;
  let stt = 0;
  let stv = 0;
  let svv = 0;
  for (let i = 0; i < n; i++) {
    const dt = s.t[i] - t0 - mt;
    const dv = s.v[i] - mv;
    stt += dt * dt;
    stv += dt * dv;
    svv += dv * dv;
  }
  const slope = stt === 0 ? 0 : stv / stt;
  const intercept = mv - slope * mt;
  return { t0, intercept, slope, r2: svv === 0 ? 1 : (stv * stv) / (stt * svv) };
}

export function trendAt(trend: Trend, t: number): number {
  return trend.intercept + trend.slope * (t - trend.t0);
}

export interface CapacityInput {
  throughput: Series;
  horizonSeconds: number;
  /** Events per second one replica carries at the target utilisation. */
  perReplica: number;
  /** Replicas kept beyond the forecast peak's need (one may be down for an update or a drain). */
  spare: number;
}

export interface CapacityPlan {
  trend: Trend;
  start: number;
  end: number;
  now: number;
  /** Largest excess of an observed value over the trend: the peaks the forecast keeps room for. */
  peakExcess: number;
  forecastTime: number;
  forecastTrend: number;
  forecastPeak: number;
  carrying: number;
  replicas: number;
}

/** Fits the trend, projects it to the horizon, adds the observed peak excess, divides by a replica's share. */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const { throughput: s } = input;
  const trend = fitTrend(s);
  let peakExcess = 0;
  for (let i = 0; i < s.t.length; i++) peakExcess = Math.max(peakExcess, s.v[i] - trendAt(trend, s.t[i]));
  const end = s.t[s.t.length - 1];
  const forecastTime = end + input.horizonSeconds;
  const forecastTrend = Math.max(0, trendAt(trend, forecastTime));
  const forecastPeak = forecastTrend + peakExcess;
  const carrying = Math.max(1, Math.ceil(forecastPeak / input.perReplica));
  return { trend, start: s.t[0], end, now: trendAt(trend, end), peakExcess, forecastTime, forecastTrend, forecastPeak, carrying, replicas: carrying + input.spare };
}

/**
 * Events per CPU-second: total throughput over total CPU time at the times both histories
 * share (CPU summed over the replicas, like the throughput).
 */
export function eventsPerCpuSecond(throughput: Series, cpu: Series): { rate: number; shared: number } {
  const cpuAt = new Map<number, number>();
  for (let i = 0; i < cpu.t.length; i++) cpuAt.set(cpu.t[i], cpu.v[i]);
  let events = 0;
  let seconds = 0;
  let shared = 0;
  for (let i = 0; i < throughput.t.length; i++) {
    const c = cpuAt.get(throughput.t[i]);
    if (c === undefined || c <= 0) continue;
    events += throughput.v[i];
    seconds += c;
    shared++;
  }
  return { rate: seconds > 0 ? events / seconds : NaN, shared };
}

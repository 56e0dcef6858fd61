/**
 * `streaming-tda capacity`: reads Prometheus range-query JSON and CSV, fits the trend, and
 * recommends replicas from a measured per-replica throughput, with its assumptions printed.
 * The histories are generated with a known trend, daily peaks and CPU use.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseHorizon, readHistory } from "../src/ops/capacity/history.ts";
import { eventsPerCpuSecond, fitTrend, planCapacity } from "../src/ops/capacity/plan.ts";
import { assertOneLineFailure, cli } from "./helpers/cli.ts";

const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
const HOUR = 3600;

/** 60 days hourly: 6000 events/s growing 50 per day, a daily swing of ±1000 (peak 1000 above the trend). */
function throughputAt(h: number): number {
  return 6000 + (50 * h) / 24 + 1000 * Math.sin((2 * Math.PI * h) / 24);
}

function promJson(values: Array<[number, number]>[]): string {
  return JSON.stringify({ status: "success", data: { resultType: "matrix", result: values.map((v, i) => ({ metric: { instance: `i${i}` }, values: v.map(([t, x]) => [t, String(x)]) })) } });
}

function files(): { dir: string; json: string; cpu: string; csv: string } {
  const dir = mkdtempSync(join(tmpdir(), "capacity-"));
  const hours = Array.from({ length: 60 * 24 }, (_, h) => h);
  // Two instances, each half the throughput: the reader sums series per timestamp.
  const half = hours.map((h) => [T0 + h * HOUR, throughputAt(h) / 2] as [number, number]);
  writeFileSync(join(dir, "throughput.json"), promJson([half, half]));
  // 2500 events per CPU-second.
  writeFileSync(join(dir, "cpu.json"), promJson([hours.map((h) => [T0 + h * HOUR, throughputAt(h) / 2500] as [number, number])]));
  writeFileSync(join(dir, "throughput.csv"), "time,events_per_second\n" + hours.map((h) => `${new Date((T0 + h * HOUR) * 1000).toISOString()},${throughputAt(h)}`).join("\n") + "\n");
  return { dir, json: join(dir, "throughput.json"), cpu: join(dir, "cpu.json"), csv: join(dir, "throughput.csv") };
}

test("the trend, the peak excess and the replica count of a known history", () => {
  const { json, csv, cpu } = files();
  const series = readHistory(json);
  assert.equal(series.t.length, 1440);
  assert.deepEqual(readHistory(csv), series);
  const trend = fitTrend(series);
  assert.ok(Math.abs(trend.slope * 86_400 - 50) < 1, `slope ${trend.slope * 86_400}/day`);
  const { rate } = eventsPerCpuSecond(series, readHistory(cpu));
  assert.ok(Math.abs(rate - 2500) < 1e-6);
  const plan = planCapacity({ throughput: series, horizonSeconds: parseHorizon("30d")!, perReplica: 2500 * 2 * 0.7, spare: 1 });
  // At the end of day 90: trend 6000 + 50·(59.96 + 30) ≈ 10498, plus the swing's 1000 above the trend.
  assert.ok(Math.abs(plan.forecastTrend - 10_498) < 40, `trend ${plan.forecastTrend}`);
  assert.ok(Math.abs(plan.peakExcess - 1000) < 40, `excess ${plan.peakExcess}`);
  assert.equal(plan.carrying, Math.ceil(plan.forecastPeak / 3500));
  assert.equal(plan.carrying, 4);
  assert.equal(plan.replicas, 5);
});

test("the command prints the forecast, the measured per-replica throughput, the recommendation and its assumptions", () => {
  const { json, cpu, csv } = files();
  const r = cli(["capacity", "--history", json, "--cpu-history", cpu, "--replica-cpus", "2", "--forecast", "30d"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^history: .*throughput\.json, 1440 points from 2026-01-01T00:00Z to 2026-03-01T23:00Z \(60\.0 days\)$/m);
  assert.match(r.stdout, /^trend: [\d,]+ events\/s at the end, \+(49|50|51) events\/s per day \(r² 0\.\d\d\)$/m);
  assert.match(r.stdout, /^per replica: 3,500 events\/s \(2,500 events per CPU-second \(measured over 1440 shared points\) × 2 CPUs × 70% target utilisation\)$/m);
  assert.match(r.stdout, /^recommendation: 5 replicas \(4 to carry the forecast peak, 1 spare\)$/m);
  assert.match(r.stdout, /^assumptions:\n( {2}- .+\n){5,}/m);
  const measured = cli(["capacity", "--history", csv, "--replica-throughput", "2200", "--forecast", "90d", "--utilization", "0.5"]);
  assert.equal(measured.code, 0, measured.stderr);
  assert.match(measured.stdout, /^per replica: 1,100 events\/s \(2,200 events\/s measured per replica × 50% target utilisation\)$/m);
  // Ninety days on: trend ≈ 6000 + 50·150 = 13500, peak ≈ 14500, 14 replicas to carry it.
  assert.match(measured.stdout, /^recommendation: 15 replicas \(14 to carry the forecast peak, 1 spare\)$/m);
});

test("bad histories and command lines are refused with one line naming the problem", () => {
  const { dir, json } = files();
  writeFileSync(join(dir, "bad.csv"), "time,value\n2026-01-01T00:00:00Z,100\nyesterday,200\n");
  assertOneLineFailure(cli(["capacity", "--history", join(dir, "bad.csv"), "--replica-throughput", "1000"]), /bad\.csv:3: time "yesterday" is neither ISO 8601 nor Unix seconds/);
  writeFileSync(join(dir, "error.json"), JSON.stringify({ status: "error", error: "parse error at char 5" }));
  assertOneLineFailure(cli(["capacity", "--history", join(dir, "error.json"), "--replica-throughput", "1000"]), /error\.json: Prometheus answered error: parse error at char 5/);
  writeFileSync(join(dir, "one.csv"), "time,value\n1767225600,5\n");
  assertOneLineFailure(cli(["capacity", "--history", join(dir, "one.csv"), "--replica-throughput", "1000"]), /one\.csv: 1 point; a trend needs at least 2/);
  assertOneLineFailure(cli(["capacity", "--history", json]), /give one measure of a replica's throughput/);
  assertOneLineFailure(cli(["capacity", "--history", json, "--replica-throughput", "1000", "--forecast", "a month"]), /--forecast a month: expected a duration like 30d/);
});

import { optionText, parseOrHelp, readInteger, readNumber, UsageError, type CommandSpec } from "../../service/cli/args.ts";
import { parseHorizon, readHistory } from "../capacity/history.ts";
import { eventsPerCpuSecond, planCapacity } from "../capacity/plan.ts";

export const spec: CommandSpec = {
  name: "capacity",
  summary: "forecast throughput from a metric history and recommend a replica count",
  usage: "--history FILE --forecast 30d (--cpu-history FILE | --replica-throughput N) [options]",
  options: [
    { name: "history", value: "FILE", help: "throughput history, events/s: Prometheus range-query JSON or CSV (time,value)" },
    { name: "forecast", value: "DURATION", help: "how far ahead: 30d, 12w, 48h (30d)" },
    { name: "cpu-history", value: "FILE", help: "CPU seconds per second over the same times: measures a replica's throughput" },
    { name: "replica-cpus", value: "N", help: "CPUs one replica may use, its limit (2)" },
    { name: "replica-throughput", value: "N", help: "events/s one replica sustains, if measured elsewhere (npm run bench:stream)" },
    { name: "utilization", value: "F", help: "share of that capacity to plan for, 0 to 1 (0.7)" },
    { name: "spare", value: "N", help: "replicas beyond the forecast's need (1)" },
  ],
  notes: [
    "The throughput history is the sum over all replicas, e.g. sum(rate(streaming_tda_events_processed_total[5m])); the CPU history likewise sum(rate(process_cpu_seconds_total{job=\"streaming-tda\"}[5m])). The trend is a least-squares line; the forecast peak is the trend at the horizon plus the largest excess of an observed value over the trend.",
  ],
};

const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 16) + "Z";

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const historyPath = optionText(args, spec, "history");
  if (historyPath === undefined) throw new UsageError("capacity: give --history FILE");
  const horizonText = optionText(args, spec, "forecast") ?? "30d";
  const horizon = parseHorizon(horizonText);
  if (horizon === undefined) throw new UsageError(`capacity: --forecast ${horizonText}: expected a duration like 30d, 12w or 48h`);
  const cpuPath = optionText(args, spec, "cpu-history");
  const measured = readNumber(args, spec, "replica-throughput", 0);
  if ((cpuPath === undefined) === (measured === undefined)) {
    throw new UsageError("capacity: give one measure of a replica's throughput: --cpu-history FILE (with --replica-cpus) or --replica-throughput N");
  }
  const utilization = readNumber(args, spec, "utilization", 0) ?? 0.7;
  if (utilization <= 0 || utilization > 1) throw new UsageError(`capacity: --utilization must be above 0 and at most 1, not ${utilization}`);
  const cpus = readNumber(args, spec, "replica-cpus", 0) ?? 2;
  const spare = readInteger(args, spec, "spare", 1, 0, 100);

  const throughput = readHistory(historyPath);
  const assumptions: string[] = [];
  let perReplica: number;
  let perReplicaWhy: string;
  if (cpuPath !== undefined) {
    const { rate, shared } = eventsPerCpuSecond(throughput, readHistory(cpuPath));
    if (!(rate > 0)) throw new UsageError(`capacity: ${historyPath} and ${cpuPath} share no time with CPU use above 0; export both with the same start, end and step`);
    perReplica = rate * cpus * utilization;
    perReplicaWhy = `${fmt(rate)} events per CPU-second (measured over ${shared} shared points) × ${cpus} CPUs × ${Math.round(utilization * 100)}% target utilisation`;
    assumptions.push("events per CPU-second stay as measured: the same window sizes, homology dimension and event shape", `a replica can use ${cpus} CPUs (its limit; runner.workers should match)`);
  } else {
    perReplica = measured! * utilization;
    perReplicaWhy = `${fmt(measured!)} events/s measured per replica × ${Math.round(utilization * 100)}% target utilisation`;
    assumptions.push(`a replica sustains ${fmt(measured!)} events/s with the production config, as given by --replica-throughput`);
  }
  const plan = planCapacity({ throughput, horizonSeconds: horizon, perReplica, spare });
  const perDay = plan.trend.slope * 86_400;
  const lines = [
    `history: ${historyPath}, ${throughput.t.length} points from ${day(plan.start)} to ${day(plan.end)} (${((plan.end - plan.start) / 86_400).toFixed(1)} days)`,
    `trend: ${fmt(plan.now)} events/s at the end, ${perDay >= 0 ? "+" : ""}${fmt(perDay)} events/s per day (r² ${plan.trend.r2.toFixed(2)})`,
    `peaks: up to ${fmt(plan.peakExcess)} events/s above the trend`,
    `forecast: ${horizonText} ahead (${day(plan.forecastTime)}): trend ${fmt(plan.forecastTrend)} events/s, peak ${fmt(plan.forecastPeak)} events/s`,
    `per replica: ${fmt(perReplica)} events/s (${perReplicaWhy})`,
    `recommendation: ${plan.replicas} replicas (${plan.carrying} to carry the forecast peak, ${spare} spare)`,
    "assumptions:",
    "  - the throughput grows along the fitted straight line; a step change (a new producer) is not in the history",
    "  - peaks stand above the trend as much as the largest one in the history did",
    ...assumptions.map((a) => `  - ${a}`),
    "  - throughput adds up across replicas: with Kafka, up to one replica per partition of the input topic",
    `  - ${spare} spare replica${spare === 1 ? "" : "s"} cover${spare === 1 ? "s" : ""} a pod down for a rolling update or a node drain (the PodDisruptionBudget allows one)`,
  ];
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}

/**
 * npm run bench:stream [-- --quick]
 *
 * The streaming engine on the demo generator's data (64 keys of 3-d points), H0 and H1 at the
 * default (exact) threshold, for three workloads:
 *   S1 window 64 slide 1 · S2 window 128 slide 8 · S3 window 256 slide 32.
 * For each: sustained events/s through the runner with its worker threads (saturated), p50
 * and p99 latency event→result at 70% of that rate (arrival at the source to the sink's
 * acknowledgement, measured once every key has windows and the start-up backlog drained),
 * events/s through POST /events from a client in another thread (with its latency, which at
 * saturation is the wait in the 2048-event queue), and, diagrams only on one thread, the
 * throughput of recomputing every window from scratch with ripsPersistence (edge collapse
 * on, as in the pipeline) beside that of the pipeline's incremental slot complex, the two
 * measured interleaved in slices of 250 ms (diagrams-only.ts); and one
 * window's diagrams timed against Debian's ripser (windowAgainstRipser). Then the cost per
 * event of the whole stream processor (parsing to results) on one thread at its steady
 * state, in CPU time so a loaded machine does not inflate it, split by stage from a CPU
 * profile (single-thread.ts), against Ripser recomputing each window as a whole process (its
 * CPU time per window, start-up subtracted, over the slide's events): the two are measured
 * in alternating rounds, and how many times less we spend is the median of the rounds'
 * ratios. Then RSS at the
 * start and end of a 10-minute S2 soak at 70% of the S2 rate, in a fresh process: means of
 * readings every 5 s over the minute after a one-minute warm-up and over the last minute (it
 * prints RSS once a minute on stderr).
 * --quick: about 20 s per workload and no soak. The last line is one JSON object.
 * For checking a change: --only=S1,S2 runs some workloads; --soak-seconds=N shortens the soak;
 * --soak-rate=N soaks at N events/s (with --only=soak, S2 is not measured first).
 */
import { GNU_TIME, median } from "./lib/measure.ts";
import { option, round } from "./lib/figures.ts";
import { RIPSER } from "../testkit/ripser.ts";
import { ripserRounds, windowAgainstRipser } from "./stream/against-ripser.ts";
import { diagramsOnly } from "./stream/diagrams-only.ts";
import { overHttp } from "./stream/over-http.ts";
import { singleThread, STAGES, type SingleThreadReport } from "./stream/single-thread.ts";
import { soakInFreshProcess } from "./stream/soak.ts";
import { inProcess, KEYS, PACE, WORKLOADS } from "./stream/workloads.ts";

const quick = process.argv.includes("--quick");
// Seconds per phase: saturated, paced (latency), HTTP, recompute.
const t = quick ? { warm: 2, sat: 6, paced: 6, http: 5, recompute: 3 } : { warm: 3, sat: 20, paced: 20, http: 20, recompute: 10 };
// Single thread: events timed (and as many profiled) per workload; Ripser: windows, and rounds of them.
const single = quick ? { events: 15_000, windows: 20, rounds: 5 } : { events: 60_000, windows: 40, rounds: 9 };
const workers = Number(process.env.BENCH_WORKERS ?? 2);
const results: Record<string, unknown> = {};
console.log(`bench:stream — ${KEYS} keys of 3-d demo points, H0+H1, exact threshold, ${workers} worker threads${quick ? ", --quick" : ""}`);
const only = option("only");
for (const w of WORKLOADS.filter((x) => !only || only.split(",").includes(x.name))) {
  const sat = await inProcess(w, workers, 0, t.warm, t.sat);
  const paced = await inProcess(w, workers, Math.max(10, Math.round(sat.eventsPerSecond * PACE)), t.warm, t.paced);
  const http = await overHttp(w, workers, t.warm, t.http, sat.eventsPerSecond);
  const { recompute, incremental } = diagramsOnly(w, t.recompute);
  const vsRipser = windowAgainstRipser(w);
  // One thread's CPU per event, stage by stage, against Ripser's CPU per window spread over a slide's events.
  // Measured interleaved: a slice of ours, a round of Ripser, and so on; each round's ratio
  // compares two measurements a second apart, and the median ratio is the figure.
  const ripser = ripserRounds(w, single.windows);
  const ripserRoundMs: number[] = [];
  let thread: SingleThreadReport;
  let ripserCpu: { cpuMs: number; identical: number; windows: number } | null = null;
  try {
    thread = await singleThread(w, single.events, single.rounds, () => {
      if (ripser) ripserRoundMs.push(ripser.round());
    });
    if (ripser) ripserCpu = { cpuMs: median(ripserRoundMs), identical: ripser.identical(), windows: ripser.windows };
  } finally {
    ripser?.close();
  }
  const ripserMicrosPerEvent = ripserCpu ? (ripserCpu.cpuMs * 1000) / w.slide : null;
  const timesBelowRipser = ripserCpu ? median(ripserRoundMs.map((ms, r) => (ms * 1000) / w.slide / thread.sliceCpuMicros[r])) : null;
  const row = {
    eventsPerSecond: round(sat.eventsPerSecond),
    p50Ms: paced.windows > 0 ? round(paced.p50Ms, 2) : null,
    p99Ms: paced.windows > 0 ? round(paced.p99Ms, 2) : null,
    latencyWindows: paced.windows,
    recomputeEventsPerSecond: round(recompute),
    incrementalEventsPerSecond: round(incremental),
    windowMs: vsRipser ? round(vsRipser.oursMs, 2) : null,
    ripserWindowMs: vsRipser ? round(vsRipser.ripserMs, 2) : null,
    httpEventsPerSecond: round(http.eventsPerSecond),
    pacedEventsPerSecond: round(paced.eventsPerSecond),
    httpP50Ms: http.windows > 0 ? round(http.p50Ms, 2) : null,
    httpP99Ms: http.windows > 0 ? round(http.p99Ms, 2) : null,
    singleThreadCpuMicrosPerEvent: round(thread.cpuMicros, 1),
    singleThreadWallMicrosPerEvent: round(thread.wallMicros, 1),
    stageMicrosPerEvent: Object.fromEntries(STAGES.map((stage) => [stage, round(thread.stageMicros[stage], 1)])),
    ripserCpuMsPerWindow: ripserCpu ? round(ripserCpu.cpuMs, 2) : null,
    ripserCpuMicrosPerEvent: ripserMicrosPerEvent === null ? null : round(ripserMicrosPerEvent, 1),
    timesBelowRipser: timesBelowRipser === null ? null : round(timesBelowRipser, 1),
  };
  results[w.name] = row;
  console.log(
    `${w.name} (window ${w.size}, slide ${w.slide}): ${row.eventsPerSecond} events/s saturated; ` +
      `latency at ${row.pacedEventsPerSecond} events/s p50 ${row.p50Ms} ms p99 ${row.p99Ms} ms; ` +
      `POST /events ${row.httpEventsPerSecond} events/s (p50 ${row.httpP50Ms} ms, p99 ${row.httpP99Ms} ms); ` +
      `diagrams only, 1 thread: recompute from scratch ${row.recomputeEventsPerSecond} events/s, incremental ${row.incrementalEventsPerSecond} events/s`,
  );
  console.log(
    vsRipser
      ? `${w.name} one window, diagrams only: ours ${row.windowMs} ms, ripser ${row.ripserWindowMs} ms (ours/ripser ${round(vsRipser.oursMs / vsRipser.ripserMs, 2)}), barcodes identical in ${vsRipser.identical} of ${vsRipser.windows}`
      : `${w.name} one window against ripser: skipped, ${RIPSER} or ${GNU_TIME} is not installed (apt-get install -y ripser time)`,
  );
  console.log(
    `${w.name} one thread, CPU per event: ${row.singleThreadCpuMicrosPerEvent} µs (wall ${row.singleThreadWallMicrosPerEvent} µs) = ` +
      STAGES.map((stage) => `${stage} ${row.stageMicrosPerEvent[stage]}`).join(" + "),
  );
  console.log(
    ripserCpu
      ? `${w.name} against ripser recomputing each window: ripser ${row.ripserCpuMsPerWindow} ms CPU per window = ${row.ripserCpuMicrosPerEvent} µs per event at slide ${w.slide}; ` +
          `ours ${row.singleThreadCpuMicrosPerEvent} µs per event: ${row.timesBelowRipser}× less, the median of ${ripserRoundMs.length} rounds' ratios ` +
          `(${ripserRoundMs.map((ms, r) => `${round(ms, 1)} ms/${round(thread.sliceCpuMicros[r], 1)} µs`).join(", ")}; barcodes identical in ${ripserCpu.identical} of ${ripserCpu.windows} windows)`
      : `${w.name} against ripser recomputing each window: skipped, ${RIPSER} is not installed (apt-get install -y ripser)`,
  );
}
const soakSeconds = Number(option("soak-seconds") ?? 600);
if (quick || (only && !only.split(",").includes("soak"))) {
  results.soak = { rssStartMb: null, rssEndMb: null, skipped: quick ? "--quick" : "--only" };
} else {
  const s2 = results.S2 as { eventsPerSecond: number } | undefined;
  const rate = Number(option("soak-rate") ?? Math.round((s2?.eventsPerSecond ?? 0) * PACE));
  if (!(rate > 0)) throw new Error("the soak needs S2's rate: run S2 too, or give --soak-rate=N");
  const soak = await soakInFreshProcess(rate, soakSeconds);
  results.soak = { ...soak, seconds: soakSeconds, eventsPerSecond: rate };
  console.log(`soak S2 ${soakSeconds} s at ${rate} events/s: RSS ${soak.rssStartMb} MB → ${soak.rssEndMb} MB`);
}
console.log(JSON.stringify(results));

import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { endlessDemoEvents } from "../../src/adapters/demo/demo-source.ts";
import { StreamProcessor } from "../../src/stream/processor.ts";
import type { RawRecord } from "../../src/stream/types.ts";
import { KEYS, SEED, type Workload } from "./workloads.ts";

/**
 * The stream processor on this thread alone, fed the demo's raw JSON lines (parsing and
 * validation included, as a worker does): its cost per event. The records are made before
 * the clock starts, and every key's first window is computed untimed (see singleThread).
 */
export interface SingleThreadCost {
  events: number;
  /** CPU time of this process per event (user + system): what one core spends, whatever else the machine runs. */
  cpuMicros: number;
  /** Wall time per event. */
  wallMicros: number;
}

/** The first `count` demo records, as the demo source delivers them. */
export function demoRecords(count: number): RawRecord[] {
  const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
  const records: RawRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const event = events.next().value;
    records[i] = { raw: event.line, format: "json", source: { kind: "demo", index: event.index } };
  }
  return records;
}

/** Events it takes for every key's first window (the demo interleaves keys, with some broken events among them). */
export function fillingEvents(w: Workload): number {
  return Math.ceil(KEYS * (w.size + w.slide) * 1.1);
}

export function newProcessor(w: Workload): StreamProcessor {
  return new StreamProcessor({ scales: [{ size: w.size, slide: w.slide }], maxDim: 1 });
}

/** Runs `records[from..)` through `processor` in batches of 64, as a worker does; returns the cost per event. */
export function timeProcessor(processor: StreamProcessor, records: RawRecord[], from: number): SingleThreadCost {
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = from; i < records.length; i += 64) processor.ingestBatch(records.slice(i, Math.min(records.length, i + 64)));
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const events = records.length - from;
  return { events, cpuMicros: (used.user + used.system) / events, wallMicros: (wall * 1000) / events };
}

/** Stages of the streaming path, by the files (and a few functions) their time is spent in. */
export const STAGES = ["parse", "complex update", "filtration", "collapse", "reduction", "detector", "results", "gc", "other"] as const;
export type Stage = (typeof STAGES)[number];

const STAGE_OF_FILE: Array<[RegExp, Stage]> = [
  [/\/src\/stream\/(validate|processor|key-stream|counts)\.ts$/, "parse"],
  [/\/src\/stream\/(slot-complex|point-ring)\.ts$/, "complex update"],
  [/\/src\/tda\/rips\/edge-collapse\.ts$/, "collapse"],
  [/\/src\/tda\/(rips\.ts|rips\/(filtration|h1-reach|kernel-h1)\.ts)$/, "filtration"],
  [/\/src\/tda\/rips\/[^/]+\.ts$/, "reduction"],
  [/\/src\/tda\/distance\/|\/src\/stream\/detector\.ts$/, "detector"],
  [/\/src\/stream\/(features|feature-tracker)\.ts$|\/src\/tda\/(diagram-json|analytics)\.ts$/, "results"],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** The stage a frame's own time belongs to, or null to inherit its caller's (built-ins such as sort, JSON.parse). */
function stageOf(frame: ProfileNode["callFrame"]): Stage | null {
  if (frame.functionName === "(garbage collector)") return "gc";
  if (frame.functionName === "(program)" || frame.functionName === "(idle)" || frame.functionName === "(root)") return "other";
  if (frame.url.endsWith("/src/stream/scale-window.ts")) {
    if (frame.functionName === "computeDiagrams") return "complex update";
    if (frame.functionName === "diagramDistance") return "detector";
    return "results";
  }
  // WebAssembly frames carry no source file; the kernel's (src/tda/rips/wasm) are named by
  // its source file and function.
  if (frame.url.startsWith("wasm://")) {
    if (frame.functionName.includes("edge-collapse.as/")) return "collapse";
    return frame.functionName.endsWith("/fillRanks") ? "filtration" : "reduction";
  }
  for (const [pattern, stage] of STAGE_OF_FILE) if (pattern.test(frame.url)) return stage;
  return frame.url.includes("/src/") ? "other" : null;
}

/**
 * Where a run's time goes: the processor run under V8's sampling profiler, each sample's
 * self time given to the stage of its frame (or of its nearest caller with one). Returns each
 * stage's share of the samples.
 */
export async function stageShares(run: () => void): Promise<Record<Stage, number>> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 250 });
    await session.post("Profiler.start");
    run();
    const { profile } = await session.post("Profiler.stop");
    const nodes = new Map<number, ProfileNode>();
    for (const node of profile.nodes as ProfileNode[]) nodes.set(node.id, node);
    const stageById = new Map<number, Stage>();
    const assign = (node: ProfileNode, inherited: Stage) => {
      const stage = stageOf(node.callFrame) ?? inherited;
      stageById.set(node.id, stage);
      for (const child of node.children ?? []) assign(nodes.get(child)!, stage);
    };
    assign(profile.nodes[0] as ProfileNode, "other");
    const counts = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
    const samples = profile.samples ?? [];
    for (const id of samples) counts[stageById.get(id) ?? "other"]++;
    for (const stage of STAGES) counts[stage] /= Math.max(1, samples.length);
    return counts;
  } finally {
    session.disconnect();
  }
}

/** Per-event cost on one thread, with the share of each stage (stage × cost, in µs). */
export interface SingleThreadReport extends SingleThreadCost {
  stageMicros: Record<Stage, number>;
  /** The CPU cost of each slice, µs per event, in the order timed. */
  sliceCpuMicros: number[];
}

/**
 * The workload on one thread at its steady state: every key's first window and as many
 * events again untimed (V8 has compiled the hot code by then, on threads of its own whose
 * CPU time would otherwise count), then `events` events timed in `slices` slices, with
 * `between(slice)` called after each (a reference measured interleaved with ours sees the
 * same machine), then as many events again under the profiler for the stages' shares (the
 * profiler's own cost stays out of the timed figure). The cost is over all timed slices.
 */
export async function singleThread(w: Workload, events: number, slices = 1, between: (slice: number) => void = () => {}): Promise<SingleThreadReport> {
  const fill = fillingEvents(w);
  const warm = 2 * fill;
  const records = demoRecords(warm + 2 * events);
  const processor = newProcessor(w);
  timeProcessor(processor, records.slice(0, warm), 0);
  const sliceCpuMicros: number[] = [];
  let cpu = 0;
  let wall = 0;
  for (let s = 0; s < slices; s++) {
    const from = warm + Math.floor((s * events) / slices);
    const to = warm + Math.floor(((s + 1) * events) / slices);
    const slice = timeProcessor(processor, records.slice(0, to), from);
    sliceCpuMicros.push(slice.cpuMicros);
    cpu += slice.cpuMicros * slice.events;
    wall += slice.wallMicros * slice.events;
    between(s);
  }
  const cost = { events, cpuMicros: cpu / events, wallMicros: wall / events };
  const shares = await stageShares(() => timeProcessor(processor, records, warm + events));
  const stageMicros = Object.fromEntries(STAGES.map((stage) => [stage, shares[stage] * cost.cpuMicros])) as Record<Stage, number>;
  return { ...cost, stageMicros, sliceCpuMicros };
}

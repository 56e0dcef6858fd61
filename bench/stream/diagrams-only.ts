import { performance } from "node:perf_hooks";
import { SlotComplex } from "../../src/stream/slot-complex.ts";
import { ripsPersistence } from "../../src/tda/rips.ts";
import { demoWindows } from "./demo-windows.ts";
import { KEYS, type Workload } from "./workloads.ts";

type Mode = "recompute" | "incremental";

/** Slices of this many milliseconds alternate between the two modes. */
const SLICE_MS = 250;

/**
 * Diagrams only, on this thread, for every window of every key: events/s of each mode,
 * measured interleaved over `seconds` each. `recompute` computes each window from scratch
 * with ripsPersistence (edge collapse on, as in the pipeline); `incremental` keeps a slot
 * complex per key, as the pipeline does, so the two differ only in what a slide redoes.
 * Each mode reads its own copy of the demo's events; slices of 250 ms alternate between
 * them, so a machine whose speed moves between minutes gives both the same share of it
 * (measured one after the other, their ratio moved by a fifth between runs).
 */
export function diagramsOnly(w: Workload, seconds: number): Record<Mode, number> {
  const placers = { recompute: placer(w, "recompute"), incremental: placer(w, "incremental") };
  const spent = { recompute: 0, incremental: 0 };
  const consumed = { recompute: 0, incremental: 0 };
  let turn: Mode = "recompute";
  while (spent.recompute + spent.incremental < 2 * seconds * 1000) {
    const place = placers[turn];
    const start = performance.now();
    const until = start + SLICE_MS;
    let events = 0;
    while (performance.now() < until) {
      place(true);
      events++;
    }
    spent[turn] += performance.now() - start;
    consumed[turn] += events;
    turn = turn === "recompute" ? "incremental" : "recompute";
  }
  return { recompute: (consumed.recompute * 1000) / spent.recompute, incremental: (consumed.incremental * 1000) / spent.incremental };
}

/** One mode's event handler over its own demo feed, every key's first window already placed (untimed, as the pipeline's warm-up does). */
function placer(w: Workload, mode: Mode): (compute: boolean) => boolean {
  const feed = demoWindows(w);
  const complexes = new Map<string, { complex: SlotComplex; slots: number[] }>();
  const keysWithWindows = new Set<string>();
  let seq = 0;
  // Returns whether the event completed a window (and computed it, when `compute`).
  const place = (compute: boolean): boolean => {
    const { key, value, window } = feed.next().value;
    if (key === null) return false;
    if (mode === "incremental") {
      let held = complexes.get(key);
      if (!held) complexes.set(key, (held = { complex: new SlotComplex(w.size, value.length), slots: [] }));
      if (held.slots.length === w.size) held.complex.remove(held.slots.shift()!);
      held.slots.push(held.complex.add(seq++, value, 0));
    }
    if (window === null) return false;
    keysWithWindows.add(key);
    if (mode === "recompute" && compute) ripsPersistence(window, { maxDim: 1, collapse: true });
    if (mode === "incremental") {
      const { complex } = complexes.get(key)!;
      complex.commit();
      if (compute) complex.compute(null, 1, 2);
    }
    return true;
  };
  while (keysWithWindows.size < KEYS) place(false);
  return place;
}

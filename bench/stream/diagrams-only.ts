import { performance } from "node:perf_hooks";
import { SlotComplex } from "../../src/stream/slot-complex.ts";
import { ripsPersistence } from "../../src/tda/rips.ts";
import { demoWindows } from "./demo-windows.ts";
import { KEYS, type Workload } from "./workloads.ts";

/**
 * Diagrams only, on this thread, for every window of every key: events/s over `seconds`.
 * `recompute` computes each window from scratch with ripsPersistence (edge collapse on, as
 * in the pipeline); `incremental` keeps a slot complex per key, as the pipeline does, so
 * the two differ only in what a slide redoes.
 */
export function diagramsOnly(w: Workload, seconds: number, mode: "recompute" | "incremental"): number {
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
  // Untimed: every key's first window, as the pipeline's warm-up does.
  while (keysWithWindows.size < KEYS) place(false);
  let consumed = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    place(true);
    consumed++;
  }
  return (consumed * 1000) / (performance.now() - start);
}

import { endlessDemoEvents } from "../../src/adapters/demo/demo-source.ts";
import { KEYS, SEED, type Workload } from "./workloads.ts";

/** A demo event with its key's sliding window; `window` is set when the event completes one. Broken events come with key null. */
export interface FedEvent {
  key: string | null;
  value: number[];
  window: number[][] | null;
}

/** The demo events in order, each key's window slid along (size and slide of the workload). */
export function* demoWindows(w: Workload): Generator<FedEvent, never> {
  const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
  const windows = new Map<string, number[][]>();
  const since = new Map<string, number>();
  for (;;) {
    const event = events.next().value;
    if (event.broken !== null) {
      yield { key: null, value: [], window: null };
      continue;
    }
    const e = JSON.parse(event.line) as { key: string; value: number[] };
    let win = windows.get(e.key);
    if (!win) windows.set(e.key, (win = []));
    win.push(e.value);
    if (win.length > w.size) win.shift();
    const n = (since.get(e.key) ?? 0) + 1;
    since.set(e.key, n);
    const complete = win.length === w.size && n >= w.slide;
    if (complete) since.set(e.key, 0);
    yield { key: e.key, value: e.value, window: complete ? win : null };
  }
}

/** The workload's first `count` windows of the demo data, copied. */
export function firstWindows(w: Workload, count: number): number[][][] {
  const feed = demoWindows(w);
  const windows: number[][][] = [];
  while (windows.length < count) {
    const { window } = feed.next().value;
    if (window !== null) windows.push(window.slice());
  }
  return windows;
}

import { seededRandom } from "../../tda/index.ts";
/**
 * The demo data: keyed streams of 3-d points whose topology changes at known times, plus
 * stable keys and a few percent of broken events of every kind. Pure and deterministic: the
 * same options give the same lines, so tests can score change detection against
 * `changes`, and the service wraps it as a source.
 *
 * Shapes (each point uniform on the shape, plus Gaussian noise of `noise` per coordinate):
 * - circle: radius 1 around the origin in the xy-plane (one component, one loop);
 * - two circles: radius 0.5 around (±1.5, 0, 0) (two components, two loops);
 * - figure eight: radius 0.5 around (±0.5, 0, 0), touching at the origin (one component, two loops).
 * A changing key ("shift-<k>") is a circle, becomes two circles at about a third of its
 * events and a figure eight at about two thirds (staggered per key). A stable key
 * ("loop-<k>") is a noisy circle throughout.
 */

export type DemoShape = "circle" | "two-circles" | "figure-eight";

export type BrokenKind = "bad_json" | "missing_field" | "not_finite" | "wrong_dimension" | "out_of_range" | "oversize";

export const BROKEN_KINDS: readonly BrokenKind[] = ["bad_json", "missing_field", "not_finite", "wrong_dimension", "out_of_range", "oversize"];

export interface DemoOptions {
  /** Default 1. */
  seed?: number;
  /** Keys whose topology changes (default 4). */
  changingKeys?: number;
  /** Keys that stay a noisy circle (default 4). */
  stableKeys?: number;
  /** Valid events per key (default 3000). */
  eventsPerKey?: number;
  /** Event-time step between a key's events (default 10 ms). */
  intervalMs?: number;
  /** Event time of the first round (default 1_700_000_000_000). */
  startTs?: number;
  /** Standard deviation of the Gaussian noise per coordinate (default 0.05). */
  noise?: number;
  /** Broken events added per valid event, on average (default 0.03). */
  brokenRate?: number;
  /** Line format (default "json"). */
  format?: "json" | "csv";
}

export interface DemoEvent {
  /** Position in the stream, from 0. */
  index: number;
  key: string;
  ts: number;
  /** The line as a source would read it. */
  line: string;
  /** For a broken event, what is wrong with it; null for a valid one. */
  broken: BrokenKind | null;
}

export interface DemoChange {
  key: string;
  /** Index of the first valid event of the new shape among the key's valid events (its sequence number in the pipeline). */
  seq: number;
  ts: number;
  from: DemoShape;
  to: DemoShape;
}

export interface DemoData {
  events: DemoEvent[];
  changes: DemoChange[];
  changingKeys: string[];
  stableKeys: string[];
}

/** Line length of an oversize event: above the default limit of 65536 characters. */
const OVERSIZE_LENGTH = 70_000;

/** The demo stream: keys interleaved round-robin, one valid event per key per round, broken events mixed in. */
export function demoData(options: DemoOptions = {}): DemoData {
  const events: DemoEvent[] = [];
  const changes: DemoChange[] = [];
  for (const event of demoEvents(options, changes)) events.push(event);
  const { changingKeys, stableKeys } = keyNames(options);
  return { events, changes, changingKeys, stableKeys };
}

/** The true changes, without generating the stream. */
export function demoChanges(options: DemoOptions = {}): DemoChange[] {
  const { changingKeys } = keyNames(options);
  const perKey = options.eventsPerKey ?? 3000;
  const interval = options.intervalMs ?? 10;
  const start = options.startTs ?? 1_700_000_000_000;
  const changes: DemoChange[] = [];
  changingKeys.forEach((key, k) => {
    const [first, second] = changeIndices(perKey, k);
    changes.push({ key, seq: first, ts: start + first * interval, from: "circle", to: "two-circles" });
    changes.push({ key, seq: second, ts: start + second * interval, from: "two-circles", to: "figure-eight" });
  });
  return changes;
}

/**
 * The events one at a time (a source can pull them lazily). When `changes` is given, the
 * true changes are appended to it.
 */
export function* demoEvents(options: DemoOptions = {}, changes?: DemoChange[]): Generator<DemoEvent> {
  const random = seededRandom(options.seed ?? 1);
  const perKey = options.eventsPerKey ?? 3000;
  const interval = options.intervalMs ?? 10;
  const start = options.startTs ?? 1_700_000_000_000;
  const noise = options.noise ?? 0.05;
  const brokenRate = options.brokenRate ?? 0.03;
  const csv = options.format === "csv";
  const { changingKeys, stableKeys } = keyNames(options);
  const keys = [...changingKeys, ...stableKeys];
  if (changes !== undefined) changes.push(...demoChanges(options));
  const changeAt = changingKeys.map((_, k) => changeIndices(perKey, k));
  const point = [0, 0, 0];
  let index = 0;
  for (let i = 0; i < perKey; i++) {
    const ts = start + i * interval;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      let shape: DemoShape = "circle";
      if (k < changingKeys.length) {
        const [first, second] = changeAt[k];
        shape = i >= second ? "figure-eight" : i >= first ? "two-circles" : "circle";
      }
      samplePoint(shape, noise, random, point);
      yield { index: index++, key, ts, line: formatLine(key, ts, point, csv), broken: null };
      // Broken events only after every key's first valid event, so none can set a key's dimension.
      if (i > 0 && random() < brokenRate) {
        const kind = BROKEN_KINDS[Math.floor(random() * BROKEN_KINDS.length)];
        yield { index: index++, key, ts, line: brokenLine(kind, key, ts, point, csv, random), broken: kind };
      }
    }
  }
}

function keyNames(options: DemoOptions): { changingKeys: string[]; stableKeys: string[] } {
  const changing = options.changingKeys ?? 4;
  const stable = options.stableKeys ?? 4;
  return {
    changingKeys: Array.from({ length: changing }, (_, k) => `shift-${k}`),
    stableKeys: Array.from({ length: stable }, (_, k) => `loop-${k}`),
  };
}

/** Event indices at which changing key k switches shape: about 1/3 and 2/3, staggered by key. */
function changeIndices(perKey: number, k: number): [number, number] {
  const stagger = (k * 37) % Math.max(1, Math.floor(perKey / 12));
  return [Math.floor(perKey / 3) + stagger, Math.floor((2 * perKey) / 3) + stagger];
}

function samplePoint(shape: DemoShape, noise: number, random: () => number, out: number[]): void {
  const angle = 2 * Math.PI * random();
  let cx = 0;
  let radius = 1;
  if (shape !== "circle") {
    radius = 0.5;
    const side = random() < 0.5 ? -1 : 1;
    cx = side * (shape === "two-circles" ? 1.5 : 0.5);
  }
  out[0] = cx + radius * Math.cos(angle) + noise * gaussian(random);
  out[1] = radius * Math.sin(angle) + noise * gaussian(random);
  out[2] = noise * gaussian(random);
}

function formatLine(key: string, ts: number, p: readonly number[], csv: boolean): string {
  const x = round(p[0]);
  const y = round(p[1]);
  const z = round(p[2]);
  return csv ? `${key},${ts},${x},${y},${z}` : `{"key":"${key}","ts":${ts},"value":[${x},${y},${z}]}`;
}

function brokenLine(kind: BrokenKind, key: string, ts: number, p: readonly number[], csv: boolean, random: () => number): string {
  const [x, y, z] = p.map(round);
  switch (kind) {
    case "bad_json": {
      const line = csv ? `${key},${ts},${x},${y},${z}` : `{"key":"${key}","ts":${ts},"value":[${x},${y},${z}]}`;
      // Cut mid-value: JSON that does not parse; for CSV a value that is not a number.
      return csv ? `${key},${ts},${x},zz${y},${z}` : line.slice(0, Math.max(8, Math.floor(line.length * random())));
    }
    case "missing_field": {
      const which = Math.floor(random() * 3);
      if (csv) return which === 0 ? `,${ts},${x},${y},${z}` : which === 1 ? `${key},,${x},${y},${z}` : `${key},${ts}`;
      return which === 0
        ? `{"ts":${ts},"value":[${x},${y},${z}]}`
        : which === 1
          ? `{"key":"${key}","value":[${x},${y},${z}]}`
          : `{"key":"${key}","ts":${ts}}`;
    }
    case "not_finite":
      // JSON has no NaN: producers write null for it, and 1e999 reads as Infinity.
      if (csv) return random() < 0.5 ? `${key},${ts},${x},NaN,${z}` : `${key},${ts},${x},${y},Infinity`;
      return random() < 0.5 ? `{"key":"${key}","ts":${ts},"value":[${x},null,${z}]}` : `{"key":"${key}","ts":${ts},"value":[${x},${y},1e999]}`;
    case "wrong_dimension":
      return csv ? `${key},${ts},${x},${y}` : `{"key":"${key}","ts":${ts},"value":[${x},${y}]}`;
    case "out_of_range":
      return csv ? `${key},${ts},${x},1e12,${z}` : `{"key":"${key}","ts":${ts},"value":[${x},1e12,${z}]}`;
    case "oversize": {
      const pad = "x".repeat(OVERSIZE_LENGTH);
      return csv ? `${key}${pad},${ts},${x},${y},${z}` : `{"key":"${key}","ts":${ts},"value":[${x},${y},${z}],"pad":"${pad}"}`;
    }
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Standard normal by Box–Muller (one of the pair; determinism matters more than speed here). */
function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

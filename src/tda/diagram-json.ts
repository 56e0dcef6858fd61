import { TdaInputError, type Diagrams, type Interval } from "./types.ts";

/** Diagram JSON as on the wire: `{"0": [[birth, death], …], …}`, `null` for an infinite death. */
export type DiagramsJson = Record<string, Array<[number, number | null]>>;

/**
 * The wire form of `diagrams`. Finite intervals are the diagrams' own arrays, not copies: a
 * stream emits one of these per window, and copying every interval cost more than the rest
 * of the window's output. Only an infinite death (written `null`) gets a new pair.
 */
export function diagramsToJson(diagrams: Diagrams): DiagramsJson {
  const out: DiagramsJson = {};
  for (let dim = 0; dim < diagrams.length; dim++) {
    const intervals = diagrams[dim];
    const json: Array<[number, number | null]> = new Array(intervals.length);
    for (let i = 0; i < intervals.length; i++) {
      const interval = intervals[i];
      json[i] = Number.isFinite(interval[1]) ? interval : [interval[0], null];
    }
    out[String(dim)] = json;
  }
  return out;
}

/**
 * Reads diagram JSON, either bare or wrapped as `{"diagrams": …}` (what `ph --output json`
 * writes). Throws TdaInputError naming the dimension and interval that is malformed.
 */
export function diagramsFromJson(json: unknown, where = "diagram"): Diagrams {
  const body = isObject(json) && "diagrams" in json ? json.diagrams : json;
  if (!isObject(body)) throw new TdaInputError(`${where}: expected an object of dimensions, like {"0": [[0, 1]]}`);
  const diagrams: Diagrams = [];
  for (const [key, value] of Object.entries(body)) {
    const dim = Number(key);
    if (!Number.isInteger(dim) || dim < 0) throw new TdaInputError(`${where}: "${key}" is not a homology dimension`);
    if (!Array.isArray(value)) throw new TdaInputError(`${where}: dimension ${key} is not a list of intervals`);
    diagrams[dim] = value.map((pair, m) => readInterval(pair, `${where}: dimension ${key}, interval ${m}`));
  }
  for (let k = 0; k < diagrams.length; k++) diagrams[k] ??= [];
  return diagrams;
}

function readInterval(pair: unknown, where: string): Interval {
  if (!Array.isArray(pair) || pair.length !== 2) throw new TdaInputError(`${where}: expected [birth, death]`);
  const [b, d] = pair as unknown[];
  if (typeof b !== "number" || !Number.isFinite(b)) throw new TdaInputError(`${where}: birth ${JSON.stringify(b)} is not a finite number`);
  if (d === null) return [b, Infinity];
  if (typeof d !== "number" || Number.isNaN(d)) throw new TdaInputError(`${where}: death ${JSON.stringify(d)} is not a number or null`);
  if (d < b) throw new TdaInputError(`${where}: death ${d} is before birth ${b}`);
  return [b, d];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

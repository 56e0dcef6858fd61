import { TdaInputError, type RipsInput } from "./types.ts";
import { parseBinaryLower, parseDipha } from "./formats/binary.ts";
import { parseFullDistance, parseLowerDistance, parseUpperDistance } from "./formats/matrices.ts";
import { parsePointCloud } from "./formats/point-cloud.ts";
import { parseSparse } from "./formats/sparse.ts";

/**
 * Readers for every input format of Ripser 1.2.1. Each takes the file's text (or bytes, for
 * the binary formats) and a name for messages, and returns the engine's `RipsInput`; bad input
 * throws a `TdaInputError` whose message starts with `source:line:column:` (text) or
 * `source: byte N:` (binary).
 */
export { parseBinaryLower, parseDipha, parseFullDistance, parseLowerDistance, parsePointCloud, parseSparse, parseUpperDistance };
export { diagramsToJson, diagramsFromJson, type DiagramsJson } from "./diagram-json.ts";

export const INPUT_FORMATS = ["lower-distance", "upper-distance", "distance", "point-cloud", "dipha", "sparse", "binary"] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** Formats read as bytes rather than text. */
export function isBinaryFormat(format: InputFormat): boolean {
  return format === "dipha" || format === "binary";
}

const textReaders: Record<Exclude<InputFormat, "dipha" | "binary">, (text: string, source: string) => RipsInput> = {
  "lower-distance": parseLowerDistance,
  "upper-distance": parseUpperDistance,
  distance: parseFullDistance,
  "point-cloud": parsePointCloud,
  sparse: parseSparse,
};

/** Reads `data` in `format`: a string for text formats, bytes for `dipha` and `binary`. */
export function parseRipsInput(format: InputFormat, data: string | Uint8Array, source: string): RipsInput {
  if (format === "dipha" || format === "binary") {
    if (typeof data === "string") throw new TdaInputError(`${source}: the ${format} format is binary: pass its bytes, not text`);
    return format === "dipha" ? parseDipha(data, source) : parseBinaryLower(data, source);
  }
  if (typeof data !== "string") throw new TdaInputError(`${source}: the ${format} format is text: decode it first`);
  return textReaders[format](data, source);
}

/**
 * The format a name stands for: a full name or, as Ripser allows, an unambiguous start of one
 * (`lower`, `upper`, `dist`, `point`). Undefined when it names none or several.
 */
export function resolveFormatName(name: string): InputFormat | undefined {
  const exact = INPUT_FORMATS.find((format) => format === name);
  if (exact) return exact;
  const matches = name.length > 0 ? INPUT_FORMATS.filter((format) => format.startsWith(name)) : [];
  return matches.length === 1 ? matches[0] : undefined;
}

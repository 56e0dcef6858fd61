import type { RipsInput } from "../types.ts";
import { emptyInputError, endOfLine, inputErrorAt, scanText } from "./text-scanner.ts";

/**
 * `point-cloud`: one point per line, its coordinates separated by commas or whitespace.
 * Blank lines are skipped (Ripser aborts on a blank line between points).
 */
export function parsePointCloud(text: string, source: string): RipsInput {
  const { values, offsets, rowStarts } = scanText(text, source);
  if (values.length === 0) throw emptyInputError(source);
  const dimension = (rowStarts.length > 1 ? rowStarts[1] : values.length) - rowStarts[0];
  for (let r = 1; r < rowStarts.length; r++) {
    const end = r + 1 < rowStarts.length ? rowStarts[r + 1] : values.length;
    const count = end - rowStarts[r];
    if (count === dimension) continue;
    const what = `point ${r + 1} has ${count} coordinates but point 1 has ${dimension}`;
    if (count > dimension) throw inputErrorAt(text, source, offsets[rowStarts[r] + dimension], what);
    throw inputErrorAt(text, source, endOfLine(text, offsets[end - 1]), what);
  }
  return { type: "points", points: Float64Array.from(values), dimension };
}

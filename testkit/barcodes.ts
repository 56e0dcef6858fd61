import assert from "node:assert/strict";
import type { Diagrams } from "../src/tda/types.ts";

/**
 * Ripser prints 6 significant digits, so intervals compare after rounding ours the same
 * way; multisets per dimension, as sorted lists of "birth,death" keys.
 */
export function diagramKeys(diagrams: Diagrams, dim: number): string[] {
  return (diagrams[dim] ?? []).map(([b, d]) => `${round6(b)},${d === Infinity ? "inf" : round6(d)}`).sort();
}

function round6(x: number): string {
  return Number(Math.fround(x).toPrecision(6)).toString();
}

/**
 * Asserts equal multisets of intervals (6 significant digits) in every dimension up to
 * `maxDim`. On a mismatch the message lists only the intervals one side has and the other
 * lacks, so a wrong barcode of a thousand intervals still gives a readable failure.
 */
export function assertSameBarcodes(ours: Diagrams, reference: Diagrams, maxDim: number, label: string): void {
  for (let dim = 0; dim <= maxDim; dim++) {
    const a = diagramKeys(ours, dim);
    const b = diagramKeys(reference, dim);
    if (a.length === b.length && a.every((key, k) => key === b[k])) continue;
    const { onlyLeft, onlyRight } = multisetDifference(a, b);
    assert.fail(
      `${label}: H${dim} differs (ours ${a.length} intervals, reference ${b.length}); ` +
        `only ours: [${onlyLeft.slice(0, 12).join(" ")}${onlyLeft.length > 12 ? " …" : ""}] ` +
        `only reference: [${onlyRight.slice(0, 12).join(" ")}${onlyRight.length > 12 ? " …" : ""}]`,
    );
  }
}

/** Barcodes equal as multisets per dimension at 6 significant digits; otherwise how many intervals differ. */
export function compareBarcodes(ours: Diagrams, reference: Diagrams, maxDim: number): { identical: boolean; detail: string } {
  const differences: string[] = [];
  for (let dim = 0; dim <= maxDim; dim++) {
    const { onlyLeft, onlyRight } = multisetDifference(diagramKeys(ours, dim), diagramKeys(reference, dim));
    if (onlyLeft.length + onlyRight.length > 0) differences.push(`H${dim}: ${onlyLeft.length} only ours, ${onlyRight.length} only ripser`);
  }
  return { identical: differences.length === 0, detail: differences.join("; ") };
}

export function multisetDifference(left: string[], right: string[]): { onlyLeft: string[]; onlyRight: string[] } {
  const counts = new Map<string, number>();
  for (const key of left) counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const key of right) counts.set(key, (counts.get(key) ?? 0) - 1);
  const onlyLeft: string[] = [];
  const onlyRight: string[] = [];
  for (const [key, count] of counts) {
    for (let k = 0; k < count; k++) onlyLeft.push(key);
    for (let k = 0; k < -count; k++) onlyRight.push(key);
  }
  return { onlyLeft, onlyRight };
}

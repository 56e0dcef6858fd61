import type { Diagrams } from "../types.ts";
import { axes, frameFor, legend, linearScale, niceTicks, paddedRange, titleElement } from "./axes.ts";
import { dimensionColour, px, svgDocument, type PlotSize } from "./svg.ts";

export interface DiagramPlotOptions extends PlotSize {
  /** Dimensions to draw (default all). */
  dimensions?: number[];
}

/** Smallest and largest finite birth or death over the dimensions drawn. */
export function finiteRange(diagrams: Diagrams, dims: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const dim of dims) {
    for (const [birth, death] of diagrams[dim] ?? []) {
      lo = Math.min(lo, birth);
      hi = Math.max(hi, birth);
      if (Number.isFinite(death)) hi = Math.max(hi, death);
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

export function allDimensions(diagrams: Diagrams): number[] {
  return diagrams.map((_, k) => k);
}

/**
 * Persistence diagram: a point (birth, death) per interval, one colour per dimension, the
 * diagonal, and essential classes on a dashed line marked ∞ above every finite value.
 */
export function plotDiagram(diagrams: Diagrams, options: DiagramPlotOptions = {}): string {
  const width = options.width ?? 480;
  const height = options.height ?? 480;
  const dims = options.dimensions ?? allDimensions(diagrams);
  const frame = frameFor(width, height, options.title !== undefined);
  const [lo, hi] = finiteRange(diagrams, dims);
  const [d0, d1] = paddedRange(lo, hi);
  const hasEssential = dims.some((dim) => (diagrams[dim] ?? []).some(([, death]) => death === Infinity));
  // The ∞ line sits a tenth of the range above the data, so it reads as "beyond".
  const infinityAt = d1 + (hasEssential ? (d1 - d0) * 0.1 : 0);
  const top = hasEssential ? infinityAt + (d1 - d0) * 0.05 : d1;
  const x = linearScale(d0, d1, frame.left, frame.right);
  const y = linearScale(d0, top, frame.bottom, frame.top);
  const yTicks = niceTicks(d0, d1);
  const body = [...titleElement(width, options.title), ...axes(frame, x, y, "birth", "death", yTicks)];
  body.push(`<line class="diagonal" x1="${px(x(d0))}" y1="${px(y(d0))}" x2="${px(x(d1))}" y2="${px(y(d1))}" stroke="#999"/>`);
  if (hasEssential) {
    body.push(`<line class="infinity" x1="${px(frame.left)}" y1="${px(y(infinityAt))}" x2="${px(frame.right)}" y2="${px(y(infinityAt))}" stroke="#999" stroke-dasharray="4 3"/>`);
    body.push(`<text class="infinity-label" x="${px(frame.left - 8)}" y="${px(y(infinityAt) + 4)}" text-anchor="end">∞</text>`);
  }
  for (const dim of dims) {
    body.push(`<g class="points dim-${dim}" fill="${dimensionColour(dim)}" fill-opacity="0.8">`);
    for (const [birth, death] of diagrams[dim] ?? []) {
      const yy = death === Infinity ? infinityAt : death;
      body.push(`<circle cx="${px(x(birth))}" cy="${px(y(yy))}" r="3.5"/>`);
    }
    body.push(`</g>`);
  }
  // Bottom right lies below the diagonal, where no point of a diagram can be.
  body.push(...legend(frame, dims.map((dim) => ({ name: `H${dim}`, colour: dimensionColour(dim) })), "bottom"));
  return svgDocument(width, height, body, options.title);
}

import type { Diagrams } from "../types.ts";
import { axes, frameFor, linearScale, paddedRange, titleElement } from "./axes.ts";
import { allDimensions, finiteRange } from "./diagram.ts";
import { dimensionColour, escapeXml, px, svgDocument, type PlotSize } from "./svg.ts";

export interface BarcodePlotOptions extends PlotSize {
  dimensions?: number[];
}

/**
 * Barcode: one horizontal bar per interval from birth to death, grouped by dimension (H0
 * at the top), longest first within a dimension. Essential bars run to the right edge and
 * end in an arrow head.
 */
export function plotBarcode(diagrams: Diagrams, options: BarcodePlotOptions = {}): string {
  const dims = options.dimensions ?? allDimensions(diagrams);
  const bars = dims.reduce((sum, dim) => sum + (diagrams[dim]?.length ?? 0), 0);
  const width = options.width ?? 560;
  const rowHeight = Math.max(2, Math.min(12, 400 / Math.max(1, bars)));
  const gap = 10;
  const frameTop = options.title !== undefined ? 36 : 16;
  const height = options.height ?? Math.ceil(frameTop + bars * rowHeight + gap * dims.length + 56);
  const frame = frameFor(width, height, options.title !== undefined);
  const [lo, hi] = finiteRange(diagrams, dims);
  const [d0, d1] = paddedRange(lo, hi);
  const x = linearScale(d0, d1, frame.left, frame.right);
  const y = linearScale(0, 1, frame.bottom, frame.top);
  const body = [...titleElement(width, options.title), ...axes(frame, x, y, "filtration value", "intervals", [])];
  const usable = frame.bottom - frame.top - gap * dims.length;
  const step = bars > 0 ? Math.min(rowHeight, usable / bars) : rowHeight;
  let row = frame.top + gap / 2;
  for (const dim of dims) {
    const intervals = [...(diagrams[dim] ?? [])].sort((a, b) => b[1] - b[0] - (a[1] - a[0]) || a[0] - b[0]);
    const colour = dimensionColour(dim);
    body.push(`<g class="bars dim-${dim}" stroke="${colour}" fill="${colour}">`);
    for (const [birth, death] of intervals) {
      const yy = row + step / 2;
      const x1 = x(birth);
      const x2 = death === Infinity ? frame.right - 6 : x(death);
      body.push(`<line x1="${px(x1)}" y1="${px(yy)}" x2="${px(Math.max(x2, x1 + 1))}" y2="${px(yy)}" stroke-width="${px(Math.max(1, step * 0.7))}"/>`);
      if (death === Infinity) body.push(`<path class="infinite" d="M${px(frame.right - 6)},${px(yy - 4)} L${px(frame.right)},${px(yy)} L${px(frame.right - 6)},${px(yy + 4)} Z"/>`);
      row += step;
    }
    body.push(`</g>`);
    body.push(`<text class="dim-label" x="${px(frame.left - 8)}" y="${px(row - (step * (diagrams[dim]?.length ?? 0)) / 2 + 4)}" text-anchor="end">${escapeXml(`H${dim}`)}</text>`);
    row += gap;
  }
  return svgDocument(width, height, body, options.title);
}

/** Text safe inside an XML element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate for an attribute: two decimals are finer than a pixel. */
export function px(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

/** A tick label: short, without float noise (0.30000000000000004 → 0.3). */
export function label(x: number): string {
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e5 || abs < 1e-4) return x.toExponential(2).replace(/\.?0+e/, "e");
  return Number(x.toPrecision(6)).toString();
}

/** One colour per homology dimension (colour-blind-safe Okabe–Ito palette), cycling after 8. */
const palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

export function dimensionColour(dim: number): string {
  return palette[dim % palette.length];
}

export interface PlotSize {
  width?: number;
  height?: number;
  title?: string;
}

export function svgDocument(width: number, height: number, body: string[], title?: string): string {
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`;
  const titleText = title === undefined ? [] : [`<title>${escapeXml(title)}</title>`];
  return [`<?xml version="1.0" encoding="UTF-8"?>`, head, ...titleText, `<rect width="${width}" height="${height}" fill="white"/>`, ...body, `</svg>`, ""].join("\n");
}

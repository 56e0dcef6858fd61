import { escapeXml, label, px } from "./svg.ts";

/** Linear map from a data range onto a pixel range. */
export interface Scale {
  (x: number): number;
  domain: [number, number];
}

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0 || 1;
  const scale = ((x: number) => r0 + ((x - d0) / span) * (r1 - r0)) as Scale;
  scale.domain = [d0, d1];
  return scale;
}

/**
 * Round tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about
 * `target` of them (the usual "nice numbers" rule).
 */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  const step = (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** The range to draw for data spanning [lo, hi]: padded by 5 %, never empty. */
export function paddedRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

export interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function frameFor(width: number, height: number, title: boolean): Frame {
  return { left: 60, right: width - 20, top: title ? 36 : 16, bottom: height - 46 };
}

/** Axis lines, ticks with labels and axis titles, as SVG elements. */
export function axes(frame: Frame, x: Scale, y: Scale, xTitle: string, yTitle: string, yTicks?: number[]): string[] {
  const out: string[] = [`<g class="axes" stroke="#333" fill="none">`];
  out.push(`<line x1="${px(frame.left)}" y1="${px(frame.bottom)}" x2="${px(frame.right)}" y2="${px(frame.bottom)}"/>`);
  out.push(`<line x1="${px(frame.left)}" y1="${px(frame.top)}" x2="${px(frame.left)}" y2="${px(frame.bottom)}"/>`);
  out.push(`</g>`);
  out.push(`<g class="x-ticks" font-size="11" text-anchor="middle">`);
  for (const t of niceTicks(x.domain[0], x.domain[1])) {
    const xp = x(t);
    out.push(`<line x1="${px(xp)}" y1="${px(frame.bottom)}" x2="${px(xp)}" y2="${px(frame.bottom + 5)}" stroke="#333"/>`);
    out.push(`<text x="${px(xp)}" y="${px(frame.bottom + 18)}">${escapeXml(label(t))}</text>`);
  }
  out.push(`</g>`);
  out.push(`<g class="y-ticks" font-size="11" text-anchor="end">`);
  for (const t of yTicks ?? niceTicks(y.domain[0], y.domain[1])) {
    const yp = y(t);
    out.push(`<line x1="${px(frame.left - 5)}" y1="${px(yp)}" x2="${px(frame.left)}" y2="${px(yp)}" stroke="#333"/>`);
    out.push(`<text x="${px(frame.left - 8)}" y="${px(yp + 4)}">${escapeXml(label(t))}</text>`);
  }
  out.push(`</g>`);
  const midX = (frame.left + frame.right) / 2;
  const midY = (frame.top + frame.bottom) / 2;
  out.push(`<text class="x-label" x="${px(midX)}" y="${px(frame.bottom + 38)}" text-anchor="middle">${escapeXml(xTitle)}</text>`);
  out.push(`<text class="y-label" x="14" y="${px(midY)}" text-anchor="middle" transform="rotate(-90 14 ${px(midY)})">${escapeXml(yTitle)}</text>`);
  return out;
}

export function titleElement(width: number, title: string | undefined): string[] {
  if (title === undefined) return [];
  return [`<text class="title" x="${px(width / 2)}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`];
}

export interface LegendEntry {
  name: string;
  colour: string;
  opacity?: number;
}

/** A legend with one coloured entry per name, inside the frame at the top right (or bottom right). */
export function legend(frame: Frame, entries: LegendEntry[], corner: "top" | "bottom" = "top"): string[] {
  const out: string[] = [`<g class="legend" font-size="11">`];
  const firstRow = corner === "top" ? frame.top + 10 : frame.bottom - 10 - (entries.length - 1) * 16;
  entries.forEach((entry, i) => {
    const y = firstRow + i * 16;
    const x = frame.right - 60;
    const opacity = entry.opacity === undefined ? "" : ` fill-opacity="${px(entry.opacity)}"`;
    out.push(`<rect x="${px(x)}" y="${px(y - 8)}" width="10" height="10" fill="${entry.colour}"${opacity}/>`);
    out.push(`<text x="${px(x + 14)}" y="${px(y + 1)}">${escapeXml(entry.name)}</text>`);
  });
  out.push(`</g>`);
  return out;
}

import { bottleneckDistance, diagramsFromJson, plotBettiCurves, plotDiagram, type Diagrams } from "../../src/tda/index.ts";
import { el, formatNumber, showSvg } from "../common/dom.ts";
import { clock } from "./key-list.ts";
import type { WindowResult } from "./types.ts";

/** Grid points of a Betti curve. */
const BETTI_SAMPLES = 120;

/** A window's diagrams as the library reads them (dimensions 0…maxDim, none missing). */
export function windowDiagrams(w: WindowResult, maxDim: number): Diagrams {
  const d = diagramsFromJson(w.diagrams, `window ${w.id}`);
  for (let k = 0; k <= maxDim; k++) d[k] ??= [];
  return d;
}

/** Betti curves of a window's diagrams, over [0, its threshold]. */
export function bettiPlot(w: WindowResult, diagrams: Diagrams): string {
  return plotBettiCurves(diagrams, { min: 0, max: Math.max(w.threshold, 1e-9), n: BETTI_SAMPLES }, { width: 340, height: 300 });
}

/** What the latest window is: its points, time, distance to the previous one and score. */
export function showCaption(caption: HTMLElement, w: WindowResult | undefined): void {
  caption.textContent = w
    ? `window ${w.firstSeq}–${w.lastSeq} (scale ${w.scale}) · event time ${clock(w.end)} · ${w.points} points` +
      ` · distance to previous ${formatNumber(w.distance)} · score ${formatNumber(w.score)}` +
      (w.anomaly ? " · FLAGGED" : "")
    : "";
  caption.classList.toggle("alarm", w?.anomaly === true);
}

/**
 * A picked window beside the current one: both diagrams, and their bottleneck distance in
 * each dimension, computed here by the library.
 */
export function showComparison(picked: WindowResult, current: WindowResult, maxDim: number, targets: { picked: HTMLElement; current: HTMLElement; summary: HTMLElement }): void {
  const a = windowDiagrams(picked, maxDim);
  const b = windowDiagrams(current, maxDim);
  showSvg(targets.picked, plotDiagram(a, { width: 280, height: 280, title: `window ending ${picked.lastSeq}${picked.anomaly ? " (flagged)" : ""}` }));
  showSvg(targets.current, plotDiagram(b, { width: 280, height: 280, title: `current: window ending ${current.lastSeq}` }));
  const parts: string[] = [];
  for (let k = 0; k <= maxDim; k++) parts.push(`H${k} ${formatNumber(bottleneckDistance(a[k], b[k]))}`);
  targets.summary.textContent = `Bottleneck distance, picked to current: ${parts.join(" · ")} · picked window's score ${formatNumber(picked.score)} at ${clock(picked.end)}`;
}

/** The picked window's scatter of points: its 2-d principal-component projection. */
export function drawProjection(canvas: HTMLCanvasElement, w: WindowResult | undefined, note: HTMLElement): void {
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  const size = canvas.width;
  ctx.clearRect(0, 0, size, size);
  const p = w?.projection;
  if (!p || p.length < 2) {
    note.textContent = w ? "This pipeline does not send window points (stream.projection is off)." : "";
    return;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of p) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi - lo || 1;
  const pad = 12;
  const scale = (size - 2 * pad) / span;
  const css = getComputedStyle(canvas);
  ctx.fillStyle = css.color;
  ctx.globalAlpha = 0.75;
  for (let i = 0; i + 1 < p.length; i += 2) {
    ctx.beginPath();
    ctx.arc(pad + (p[i] - lo) * scale, size - pad - (p[i + 1] - lo) * scale, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  note.textContent = `${p.length / 2} points of window ${w!.firstSeq}–${w!.lastSeq}, on their first two principal components (same scale on both axes).`;
  canvas.dataset.points = String(p.length / 2);
}

/** Feature births and deaths of the selected key, newest first. */
export function featureRow(f: { type: string; dim: number; birth: number; death: number | null; featureId: string; time: number }): HTMLElement {
  const what = f.type === "feature_birth" ? "born" : f.type === "feature_death" ? "died" : "changed";
  const li = el("li", `${clock(f.time)} · H${f.dim} feature ${what} · [${formatNumber(f.birth)}, ${formatNumber(f.death ?? Infinity)})`);
  li.className = f.type;
  li.title = f.featureId;
  return li;
}

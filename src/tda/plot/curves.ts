import type { Diagrams } from "../types.ts";
import { bettiCurve } from "../vectorize/betti-curve.ts";
import type { EssentialOptions } from "../vectorize/essential.ts";
import { gridValues, type Grid } from "../vectorize/grid.ts";
import { persistenceLandscape } from "../vectorize/landscape.ts";
import { axes, frameFor, legend, linearScale, niceTicks, paddedRange, titleElement } from "./axes.ts";
import { allDimensions } from "./diagram.ts";
import { dimensionColour, px, svgDocument, type PlotSize } from "./svg.ts";

export interface BettiPlotOptions extends PlotSize, EssentialOptions {
  dimensions?: number[];
}

/** Betti curves on the grid, one step line per dimension (β is constant between grid points). */
export function plotBettiCurves(diagrams: Diagrams, grid: Grid, options: BettiPlotOptions = {}): string {
  const dims = options.dimensions ?? allDimensions(diagrams);
  const curves = dims.map((dim) => bettiCurve(diagrams[dim] ?? [], grid, options));
  const t = gridValues(grid);
  let peak = 1;
  for (const curve of curves) for (const v of curve) peak = Math.max(peak, v);
  const series = curves.map((curve, i) => ({ values: curve, colour: dimensionColour(dims[i]), name: `β${dims[i]}`, step: true }));
  const integerTicks = niceTicks(0, peak).filter(Number.isInteger);
  return curvePlot(t, series, [0, peak * 1.05], "filtration value", "Betti number", options, integerTicks);
}

export interface LandscapePlotOptions extends PlotSize, EssentialOptions {
  /** Layers drawn (default 3). */
  layers?: number;
}

/** Landscape layers λ_1 … λ_k of one dimension on the grid, in that dimension's colour, fading with depth. */
export function plotLandscape(diagrams: Diagrams, dim: number, grid: Grid, options: LandscapePlotOptions = {}): string {
  const layers = options.layers ?? 3;
  const values = persistenceLandscape(diagrams[dim] ?? [], grid, layers, options);
  const t = gridValues(grid);
  let peak = 0;
  for (const v of values) peak = Math.max(peak, v);
  const series = [];
  for (let k = 0; k < layers; k++) {
    const opacity = 1 - (0.6 * k) / Math.max(1, layers - 1);
    series.push({ values: values.subarray(k * grid.n, (k + 1) * grid.n), colour: dimensionColour(dim), name: `λ${k + 1}`, step: false, opacity });
  }
  return curvePlot(t, series, [0, peak > 0 ? peak * 1.05 : 1], "filtration value", `landscape (H${dim})`, options);
}

interface Series {
  values: ArrayLike<number>;
  colour: string;
  name: string;
  step: boolean;
  opacity?: number;
}

function curvePlot(t: Float64Array, series: Series[], yRange: [number, number], xTitle: string, yTitle: string, options: PlotSize, yTicks?: number[]): string {
  const width = options.width ?? 560;
  const height = options.height ?? 360;
  const frame = frameFor(width, height, options.title !== undefined);
  const [x0, x1] = t.length > 1 ? [t[0], t[t.length - 1]] : paddedRange(t[0], t[0]);
  const x = linearScale(x0, x1, frame.left, frame.right);
  const y = linearScale(yRange[0], yRange[1], frame.bottom, frame.top);
  const body = [...titleElement(width, options.title), ...axes(frame, x, y, xTitle, yTitle, yTicks)];
  for (const s of series) {
    const points: string[] = [];
    for (let i = 0; i < t.length; i++) {
      if (s.step && i > 0) points.push(`${px(x(t[i]))},${px(y(s.values[i - 1]))}`);
      points.push(`${px(x(t[i]))},${px(y(s.values[i]))}`);
    }
    const opacity = s.opacity === undefined ? "" : ` stroke-opacity="${px(s.opacity)}"`;
    body.push(`<polyline class="curve" fill="none" stroke="${s.colour}" stroke-width="1.5"${opacity} points="${points.join(" ")}"/>`);
  }
  body.push(...legend(frame, series.map((s) => ({ name: s.name, colour: s.colour, opacity: s.opacity }))));
  return svgDocument(width, height, body, options.title);
}

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { WindowResult } from "./types.ts";

/**
 * The anomaly score of the selected key's windows over event time (uPlot), with the
 * detector's threshold as a dashed line and flagged windows as red dots. A click picks the
 * window under the cursor (the nearest one), so a flagged dot opens that window's diagram.
 */
export class AnomalyChart {
  private readonly plot: uPlot;
  private readonly container: HTMLElement;
  private windows: WindowResult[] = [];
  private threshold: number;

  constructor(container: HTMLElement, threshold: number, onPick: (window: WindowResult) => void) {
    this.container = container;
    this.threshold = threshold;
    const css = getComputedStyle(document.documentElement);
    const colour = (name: string) => css.getPropertyValue(name).trim() || "#888";
    const axis = { stroke: colour("--muted"), grid: { stroke: colour("--line"), width: 1 }, ticks: { stroke: colour("--line") } };
    this.plot = new uPlot(
      {
        width: Math.max(280, container.clientWidth),
        height: 220,
        // Event times in UTC, as everywhere on the page.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
        scales: { x: { time: true }, y: { auto: true, range: (_u, min, max) => [Math.min(0, min), Math.max(max, threshold * 1.2)] } },
        axes: [axis, { ...axis, label: "score" }],
        legend: { show: true },
        // No drag-to-zoom, so uPlot must not take a click that moved a pixel for a drag and swallow it.
        cursor: { drag: { x: false, y: false, click: () => {} }, points: { size: 6 } },
        series: [
          {},
          { label: "score", stroke: colour("--accent"), width: 1.5, spanGaps: false },
          { label: "threshold", stroke: colour("--muted"), dash: [6, 4], width: 1, points: { show: false } },
          { label: "flagged", stroke: colour("--alarm"), fill: colour("--alarm"), width: 0, paths: () => null, points: { show: true, size: 9, fill: colour("--alarm") } },
        ],
        hooks: {
          draw: [
            (u) => {
              // For tests and for the page's own labels: the x range drawn, in ms.
              container.dataset.from = String((u.scales.x.min ?? 0) * 1000);
              container.dataset.to = String((u.scales.x.max ?? 0) * 1000);
            },
          ],
        },
      },
      [[], [], [], []],
      container,
    );
    this.plot.over.addEventListener("click", () => {
      const idx = this.plot.cursor.idx;
      if (idx !== null && idx !== undefined && this.windows[idx]) onPick(this.windows[idx]);
    });
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(280, container.clientWidth), height: 220 })).observe(container);
  }

  setThreshold(threshold: number): void {
    this.threshold = threshold;
  }

  /** Shows these windows (one scale, oldest first). */
  update(windows: WindowResult[]): void {
    this.windows = windows;
    const n = windows.length;
    const x = new Array<number>(n);
    const score = new Array<number | null>(n);
    const line = new Array<number>(n);
    const flagged = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const w = windows[i];
      x[i] = w.end / 1000;
      // An infinite score (essential classes changed) is drawn at the top of the chart.
      score[i] = w.score === null ? (w.anomaly ? this.threshold * 2 : null) : w.score;
      line[i] = this.threshold;
      flagged[i] = w.anomaly ? score[i] : null;
    }
    this.container.dataset.points = String(n);
    this.container.dataset.flagged = String(flagged.filter((v) => v !== null).length);
    this.plot.setData([x, score, line, flagged] as uPlot.AlignedData);
  }
}

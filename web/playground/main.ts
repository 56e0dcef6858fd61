/**
 * The playground: a point cloud or distance matrix in (typed, uploaded or drawn), its
 * persistence diagram and barcode out, computed in a worker by the project's library.
 * Two results can be kept and compared (bottleneck and Wasserstein distances).
 */
import "./playground.css";
import { diagramsToJson, plotBarcode, plotDiagram, type Diagrams } from "../../src/tda/index.ts";
import { byId, el, formatNumber, showSvg } from "../common/dom.ts";
import { drawingCanvas } from "./draw.ts";
import { WorkerClient } from "./worker-client.ts";

const workerUrl = document.querySelector<HTMLMetaElement>('meta[name="playground-worker"]')?.content;
if (!workerUrl) throw new Error("page markup names no playground worker");
const worker = new WorkerClient(workerUrl);

const text = byId<HTMLTextAreaElement>("points");
const format = byId<HTMLSelectElement>("format");
const maxDim = byId<HTMLSelectElement>("max-dim");
const threshold = byId<HTMLInputElement>("threshold");
const status = byId("status");
const error = byId("error");
const computeButton = byId<HTMLButtonElement>("compute");
let current: Diagrams | undefined;
const kept: { A?: Diagrams; B?: Diagrams } = {};

const drawing = drawingCanvas(byId<HTMLCanvasElement>("draw"), (points) => {
  format.value = "point-cloud";
  text.value = points.map(([x, y]) => `${x.toFixed(4)} ${y.toFixed(4)}`).join("\n");
});

async function compute(): Promise<void> {
  error.textContent = "";
  status.textContent = "computing…";
  computeButton.disabled = true;
  try {
    const t = threshold.value.trim();
    const result = await worker.persistence({
      type: "persistence",
      format: format.value,
      text: text.value,
      maxDim: Number(maxDim.value),
      threshold: t === "" ? undefined : Number(t),
    });
    current = result.diagrams;
    const bars = result.diagrams.map((d, k) => `H${k}: ${d.length}`).join(" · ");
    byId("timing").textContent =
      `${result.points} points · computed in ${result.computeMs.toFixed(1)} ms (input read in ${result.parseMs.toFixed(1)} ms) · threshold ${formatNumber(result.threshold)} · ${bars}`;
    byId("timing").dataset.computeMs = String(result.computeMs);
    showSvg(byId("diagram"), plotDiagram(result.diagrams, { width: 360, height: 360 }));
    showSvg(byId("barcode"), plotBarcode(result.diagrams, { width: 420 }));
    byId<HTMLTextAreaElement>("result-json").value = JSON.stringify(diagramsToJson(result.diagrams));
    byId<HTMLButtonElement>("keep-a").disabled = false;
    byId<HTMLButtonElement>("keep-b").disabled = false;
    status.textContent = "done";
  } catch (err) {
    status.textContent = "";
    error.textContent = (err as Error).message;
  } finally {
    computeButton.disabled = false;
  }
}

async function keep(slot: "A" | "B"): Promise<void> {
  if (!current) return;
  kept[slot] = current;
  byId("slots").textContent = `A: ${describe(kept.A)} · B: ${describe(kept.B)}`;
  const table = byId<HTMLTableElement>("comparison");
  table.replaceChildren();
  if (!kept.A || !kept.B) return;
  try {
    const d = await worker.distance({ type: "distance", a: kept.A, b: kept.B });
    const head = el("tr");
    head.append(el("th", "dimension"), el("th", "bottleneck"), el("th", "Wasserstein (q = 1)"));
    table.append(head);
    d.bottleneck.forEach((b, k) => {
      const row = el("tr");
      row.append(el("td", `H${k}`), el("td", formatNumber(b)), el("td", formatNumber(d.wasserstein[k])));
      table.append(row);
    });
  } catch (err) {
    error.textContent = (err as Error).message;
  }
}

function describe(d: Diagrams | undefined): string {
  return d ? d.map((intervals, k) => `${intervals.length} in H${k}`).join(", ") : "empty";
}

function sampleCircles(centres: Array<[number, number, number]>, perCircle: number): void {
  const lines: string[] = [];
  for (const [cx, cy, r] of centres) {
    for (let i = 0; i < perCircle; i++) {
      const a = (2 * Math.PI * i) / perCircle;
      const noise = () => (Math.random() - 0.5) * 0.05 * r;
      lines.push(`${(cx + r * Math.cos(a) + noise()).toFixed(4)} ${(cy + r * Math.sin(a) + noise()).toFixed(4)}`);
    }
  }
  format.value = "point-cloud";
  text.value = lines.join("\n");
  drawing.clear();
}

computeButton.addEventListener("click", () => void compute());
byId("keep-a").addEventListener("click", () => void keep("A"));
byId("keep-b").addEventListener("click", () => void keep("B"));
byId("sample-circle").addEventListener("click", () => sampleCircles([[0, 0, 1]], 100));
byId("sample-two").addEventListener("click", () => sampleCircles([[-1.5, 0, 0.5], [1.5, 0, 0.5]], 50));
byId("clear").addEventListener("click", () => {
  text.value = "";
  drawing.clear();
});
byId<HTMLInputElement>("upload").addEventListener("change", async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) text.value = await file.text();
});
text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void compute();
});

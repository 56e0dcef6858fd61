/**
 * The live dashboard. Data arrives as it happens (LiveClient: server-sent events, polling
 * as a fallback) and is applied at once; drawing waits for the next animation frame and
 * draws only what changed, so a fast stream costs frames, never correctness.
 */
import "./dashboard.css";
import { plotBarcode, plotDiagram, type Diagrams } from "../../src/tda/index.ts";
import { byId, el, showSvg } from "../common/dom.ts";
import { AnomalyChart } from "./anomaly-chart.ts";
import { showHealth } from "./health-panel.ts";
import { clock, KeyList, type KeySort } from "./key-list.ts";
import { LiveClient, type ConnectionMode } from "./live-client.ts";
import { bettiPlot, drawProjection, featureRow, showCaption, showComparison, windowDiagrams } from "./topology-views.ts";
import type { FeatureEvent, KeyRow, LiveBatch, PipelineHealth, ServiceInfo, WindowResult } from "./types.ts";

/** Windows of the selected key kept for the chart, and feature events for the log. */
const MAX_WINDOWS = 300;
const MAX_FEATURES = 100;
/** Keys read from the store at start, a page at a time. */
const KEY_PAGE = 2000;
const MAX_KEY_PAGES = 50;

const info = (await getJson<ServiceInfo>("/api/info")) ?? { detectorThreshold: 8, scales: [], maxDim: 1, projection: false };
const keyList = new KeyList(byId("key-list"), byId("key-count"), (key) => select(key));
const chart = new AnomalyChart(byId("anomaly-chart"), info.detectorThreshold, (w) => pick(w));

let selected: string | undefined;
let scale: string | undefined = info.scales[0];
let windows: WindowResult[] = [];
const windowIds = new Set<string>();
let features: FeatureEvent[] = [];
let picked: WindowResult | undefined;
let health: PipelineHealth | undefined;
/** Incremented on every selection: answers for an earlier selection are dropped. */
let selection = 0;
const dirty = {
  keys: false,
  health: false,
  chart: false,
  caption: false,
  diagram: false,
  barcode: false,
  betti: false,
  projection: false,
  flagged: false,
  features: false,
  picked: false,
};
let frame = 0;

const live = new LiveClient({
  batch: (b) => applyBatch(b),
  mode: (m) => showMode(m),
});

function schedule(): void {
  if (frame === 0) frame = requestAnimationFrame(draw);
}

/** The windows of the scale shown, and the latest one's diagrams, worked out once per change. */
let shownCache: { windows: WindowResult[]; latest: WindowResult | undefined; diagrams: Diagrams | undefined } | undefined;

function shown(): NonNullable<typeof shownCache> {
  if (shownCache === undefined) {
    const list = windows.filter((w) => w.scale === scale);
    const latest = list[list.length - 1];
    shownCache = { windows: list, latest, diagrams: latest && windowDiagrams(latest, info.maxDim) };
  }
  return shownCache;
}

/** The selected key's windows changed: every view of them is drawn again. */
function windowsChanged(): void {
  shownCache = undefined;
  dirty.chart = dirty.caption = dirty.diagram = dirty.barcode = dirty.betti = dirty.projection = dirty.flagged = true;
  if (picked) dirty.picked = true;
}

/**
 * One panel per frame, taken in turn: each frame's work stays small, every panel gets its
 * turn however busy the stream, and a panel that changed again meanwhile is drawn once,
 * with its latest data.
 */
const PANELS: Array<[keyof typeof dirty, () => void]> = [
  ["keys", () => keyList.render()],
  ["health", () => health && showHealth(byId("health"), health)],
  ["chart", () => chart.update(shown().windows)],
  ["caption", () => showCaption(byId("window-caption"), shown().latest)],
  ["diagram", () => shown().diagrams && showSvg(byId("diagram"), plotDiagram(shown().diagrams!, { width: 300, height: 300 }))],
  ["barcode", () => shown().diagrams && showSvg(byId("barcode"), plotBarcode(shown().diagrams!, { width: 340, height: 300 }))],
  ["betti", () => shown().diagrams && showSvg(byId("betti"), bettiPlot(shown().latest!, shown().diagrams!))],
  ["projection", () => drawProjection(byId<HTMLCanvasElement>("projection"), shown().latest, byId("projection-note"))],
  ["flagged", () => drawFlagged()],
  ["features", () => byId("features").replaceChildren(...features.slice().reverse().map(featureRow))],
  ["picked", () => drawPicked()],
];

let nextPanel = 0;

function draw(): void {
  frame = 0;
  for (let i = 0; i < PANELS.length; i++) {
    const at = (nextPanel + i) % PANELS.length;
    const [name, paint] = PANELS[at];
    if (!dirty[name]) continue;
    nextPanel = at + 1;
    dirty[name] = false;
    // A measure per panel for the browser's performance tools; cleared at once, so the
    // timeline does not grow (an observer still sees each one).
    performance.mark(`draw-${name}`);
    paint();
    performance.measure(`draw ${name}`, `draw-${name}`);
    performance.clearMarks(`draw-${name}`);
    performance.clearMeasures(`draw ${name}`);
    break;
  }
  if (Object.values(dirty).some(Boolean)) schedule();
}

let flaggedShown = "";

function drawFlagged(): void {
  const flagged = shown().windows.filter((w) => w.anomaly).slice(-12);
  const ids = flagged.map((w) => w.id).join(" ");
  if (ids === flaggedShown) return;
  flaggedShown = ids;
  byId("flagged").replaceChildren(
    ...flagged.map((w) => {
      const b = el("button", `⚑ ${clock(w.end)} · seq ${w.lastSeq}`, { type: "button", "data-window": w.id, "data-end": String(w.end) });
      b.addEventListener("click", () => pick(w));
      return b;
    }),
  );
}

function drawPicked(): void {
  const box = byId("comparison");
  const current = shown().latest;
  if (!picked || !current) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.dataset.pickedId = picked.id;
  box.dataset.pickedAnomaly = String(picked.anomaly);
  showComparison(picked, current, info.maxDim, { picked: byId("picked-diagram"), current: byId("current-diagram"), summary: byId("comparison-summary") });
}

function pick(w: WindowResult): void {
  picked = w;
  dirty.picked = true;
  schedule();
}

function addWindows(results: readonly WindowResult[]): void {
  let added = false;
  for (const w of results) {
    if (w.key !== selected || windowIds.has(w.id)) continue;
    windowIds.add(w.id);
    windows.push(w);
    added = true;
    if (scale === undefined) setScales([w.scale]);
  }
  if (!added) return;
  windows.sort((a, b) => a.end - b.end || a.lastSeq - b.lastSeq);
  if (windows.length > MAX_WINDOWS) {
    for (const w of windows.splice(0, windows.length - MAX_WINDOWS)) windowIds.delete(w.id);
  }
  windowsChanged();
}

function applyBatch(batch: LiveBatch): void {
  for (const s of batch.statuses) keyList.upsert(s);
  if (batch.statuses.length > 0) dirty.keys = true;
  if (selected === undefined) {
    const first = keyList.first();
    if (first !== undefined) select(first);
  }
  if (batch.gap && selected !== undefined) void loadHistory(selected, selection);
  addWindows(batch.results);
  const mine = batch.features.filter((f) => f.key === selected);
  if (mine.length > 0) {
    features = features.concat(mine).slice(-MAX_FEATURES);
    dirty.features = true;
  }
  if (batch.health) {
    health = batch.health;
    dirty.health = true;
  }
  schedule();
}

function select(key: string): void {
  selected = key;
  selection++;
  windows = [];
  windowIds.clear();
  features = [];
  picked = undefined;
  keyList.mark(key);
  byId("key-title").textContent = key;
  byId("window-caption").textContent = "";
  for (const id of ["diagram", "barcode", "betti"]) byId(id).replaceChildren();
  history.replaceState(null, "", `#key=${encodeURIComponent(key)}`);
  windowsChanged();
  dirty.keys = dirty.features = dirty.picked = true;
  schedule();
  void loadHistory(key, selection);
  live.watch(key);
}

/** The selected key's recent windows from the store: the chart starts full, not empty. */
async function loadHistory(key: string, asked: number): Promise<void> {
  const page = await getJson<{ results: WindowResult[] }>(`/api/keys/${encodeURIComponent(key)}/history?order=desc&limit=${MAX_WINDOWS}`);
  if (!page || asked !== selection) return;
  addWindows(page.results);
  schedule();
}

function setScales(scales: string[]): void {
  const select = byId<HTMLSelectElement>("scale");
  select.replaceChildren(...scales.map((s) => el("option", s, { value: s })));
  scale = scales[0];
  byId("scale-label").hidden = scales.length < 2;
}

function showMode(mode: ConnectionMode): void {
  const text: Record<ConnectionMode, string> = {
    connecting: "connecting…",
    live: "● live",
    reconnecting: "reconnecting…",
    polling: "polling every 2 s (live stream unavailable)",
  };
  const node = byId("connection");
  node.textContent = text[mode];
  node.dataset.mode = mode;
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url);
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

async function loadKeys(): Promise<void> {
  let cursor: string | null = null;
  for (let page = 0; page < MAX_KEY_PAGES; page++) {
    const body: { keys: KeyRow[]; nextCursor: string | null } | undefined = await getJson(`/api/keys?limit=${KEY_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (!body) return;
    for (const k of body.keys) keyList.upsert(k);
    dirty.keys = true;
    schedule();
    cursor = body.nextCursor;
    if (cursor === null) return;
  }
}

setScales(info.scales);
byId<HTMLSelectElement>("scale").addEventListener("change", (e) => {
  scale = (e.target as HTMLSelectElement).value;
  picked = undefined;
  windowsChanged();
  dirty.picked = true;
  schedule();
});
byId<HTMLInputElement>("key-filter").addEventListener("input", (e) => {
  keyList.setFilter((e.target as HTMLInputElement).value);
  dirty.keys = true;
  schedule();
});
byId<HTMLSelectElement>("key-sort").addEventListener("change", (e) => {
  keyList.setSort((e.target as HTMLSelectElement).value as KeySort);
  dirty.keys = true;
  schedule();
});

await loadKeys();
const fromHash = /^#key=(.+)$/.exec(location.hash)?.[1];
const initial = fromHash ? safeDecode(fromHash) : keyList.first();
if (initial !== undefined) select(initial);
else live.watch(undefined);

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

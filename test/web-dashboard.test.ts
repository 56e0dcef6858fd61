/**
 * The live dashboard in a real browser (Debian's chromium through playwright-core) against
 * `streaming-tda demo` at its full rate: keys, diagrams and barcodes appear; the anomaly
 * chart follows the demo's changes and a click on a flagged window shows its diagram; 30 s
 * of live updates cost no long task and no memory; a key named with HTML stays text.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import type { Browser, CDPSession, Page } from "playwright-core";
import { buildWeb } from "../scripts/build-web.ts";
import { collectPageErrors, launchChromium } from "../testkit/browser.ts";
import { startService, type ServiceProcess } from "./helpers/service-process.ts";

const ARTEFACTS = new URL("../test-artefacts/", import.meta.url).pathname;
const SOAK_MS = 30_000;
let demo: ServiceProcess;
let browser: Browser;
let page: Page;
let errors: string[];

before(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  await buildWeb();
  // The demo's full rate (400 events/s) over four keys: each key's windows come 12 a
  // second, and the changing keys change shape within the first half minute.
  [demo, browser] = await Promise.all([
    startService("demo", {
      source: { type: "demo", rate: 400, keys: 4 },
      sink: { type: "none" },
      stream: { scales: [{ size: 128, slide: 8 }], maxDim: 1, projection: true },
    }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  errors = collectPageErrors(page);
  page.on("dialog", (d) => errors.push(`dialog: ${d.message()}`));
  // Long tasks, from the first script on; the page's own CSP does not apply to this.
  // (Scripts for the browser are strings: this file is typechecked without the DOM's types.)
  // The page measures each panel it draws ("draw …"): the slowest of each goes in the report.
  await page.addInitScript(`
    window.__longTasks = [];
    window.__slowestDraw = {};
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: "longtask", buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__slowestDraw[e.name] = Math.max(window.__slowestDraw[e.name] ?? 0, Math.round(e.duration));
    }).observe({ type: "measure" });
  `);
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/**
 * Waits until `expression`, evaluated in the page, is true. (Playwright's waitForFunction
 * evaluates strings with eval, which the page's CSP forbids, as it should.)
 */
async function pageCondition(expression: string, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; demo log tail:\n${demo.log().slice(-1500)}`);
    await page.waitForTimeout(100);
  }
}

async function latestWindow(key: string): Promise<{ lastSeq: number } | undefined> {
  const res = await fetch(`${demo.url}api/keys/${encodeURIComponent(key)}/latest`);
  return res.ok ? ((await res.json()) as { lastSeq: number }) : undefined;
}

test("the demo prints its URL; keys appear, and the diagram, barcode, Betti curves and window points render", async () => {
  assert.match(demo.log(), new RegExp(`live dashboard at ${demo.url.replace(/[.]/g, "\\.")}`));
  const res = await fetch(demo.url);
  assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'(;|$)/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("referrer-policy"), "same-origin");

  await page.goto(demo.url);
  await page.locator(".key-row").nth(3).waitFor({ timeout: 30_000 });
  assert.deepEqual((await page.locator(".key-row .key-name").allTextContents()).sort(), ["loop-0", "loop-1", "shift-0", "shift-1"]);
  await page.locator("#diagram svg circle").first().waitFor();
  assert.ok((await page.locator("#diagram svg circle").count()) > 20, "the diagram has a point per interval");
  assert.ok((await page.locator("#barcode svg .bars line").count()) > 20, "the barcode has a bar per interval");
  assert.ok((await page.locator("#betti svg path, #betti svg polyline").count()) >= 2, "a Betti curve per dimension");
  await page.locator("#projection[data-points='128']").waitFor();
  await page.locator('#connection[data-mode="live"]').waitFor();
  // Health rides on the live stream about once a second, so the panel may fill after "live".
  await page.locator("#health", { hasText: /events\/s/ }).waitFor({ timeout: 10_000 });
  assert.match((await page.textContent("#health")) ?? "", /events\/s\s*\d+.*latency p99/s);
});

test("the anomaly chart gains points as the topology changes, and a click on a flagged window shows its diagram", async () => {
  await page.locator(".key-row", { hasText: "shift-0" }).click();
  assert.equal(await page.textContent("#key-title"), "shift-0");
  const chart = page.locator("#anomaly-chart");
  const pointsBefore = Number(await chart.getAttribute("data-points"));
  await pageCondition(`Number(document.querySelector("#anomaly-chart").dataset.points) > ${pointsBefore}`, "the chart to gain points");
  await page.locator("#anomaly-chart:not([data-flagged='0'])").waitFor({ timeout: 60_000 });

  // Paused, the chart holds still while it is clicked (once what was in flight has arrived).
  const pause = await fetch(demo.url + "flags/streaming_tda_enabled", { method: "POST", headers: { "content-type": "application/json" }, body: '{"enabled": false}' });
  assert.equal(pause.status, 200);
  try {
    let shown = "";
    for (let still = 0; still < 10; ) {
      await page.waitForTimeout(100);
      const now = `${await chart.getAttribute("data-points")} ${await chart.getAttribute("data-to")}`;
      still = now === shown ? still + 1 : 0;
      shown = now;
    }
    const end = Number(await page.locator("#flagged button").first().getAttribute("data-end"));
    const from = Number(await chart.getAttribute("data-from"));
    const to = Number(await chart.getAttribute("data-to"));
    const box = (await page.locator("#anomaly-chart .u-over").boundingBox())!;
    // Inside the plot area even when the window is the last one, at its right edge.
    const x = box.x + Math.min(box.width - 1, Math.max(1, ((end - from) / (to - from)) * box.width));
    await page.mouse.move(x, box.y + box.height / 2);
    await page.mouse.click(x, box.y + box.height / 2);
    const comparison = page.locator("#comparison");
    await comparison.waitFor({ state: "visible", timeout: 10_000 }).catch(async (err) => {
      await page.screenshot({ path: ARTEFACTS + "dashboard-click-failed.png" });
      throw new Error(`no window was picked by a click at ${end} in [${from}, ${to}] on ${JSON.stringify(box)}: ${(err as Error).message}`);
    });
    assert.equal(await comparison.getAttribute("data-picked-anomaly"), "true", "the window clicked is a flagged one");
    assert.ok((await page.locator("#picked-diagram svg circle").count()) > 20, "the flagged window's diagram");
    assert.ok((await page.locator("#current-diagram svg circle").count()) > 20, "the current window's diagram beside it");
    assert.match((await page.textContent("#comparison-summary")) ?? "", /Bottleneck distance, picked to current: H0 [\d.e-]+ · H1 [\d.e-]+/);
  } finally {
    await fetch(demo.url + "flags/streaming_tda_enabled", { method: "POST", headers: { "content-type": "application/json" }, body: '{"enabled": true}' });
  }
});

/** The JS heap after a full collection, and the elements in the document. */
async function memoryAfterGc(cdp: CDPSession): Promise<{ heap: number; elements: number }> {
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  return { heap: usedSize, elements: (await page.evaluate("document.getElementsByTagName('*').length")) as number };
}

test("30 s at the demo's full rate: no long task over 200 ms, flat memory, and the page keeps up", async () => {
  // Measured once the page holds all the windows it keeps, so that growth would be a leak.
  await pageCondition(`document.querySelector("#anomaly-chart").dataset.points === "300"`, "the chart to hold 300 windows", 60_000);
  const cdp = await page.context().newCDPSession(page);
  // Memory is read (after a forced collection) only before and after the measured span:
  // the collection itself is a long task of the test's making.
  const start = await memoryAfterGc(cdp);
  const t0 = (await page.evaluate("performance.now()")) as number;
  await page.waitForTimeout(SOAK_MS);
  const t1 = (await page.evaluate("performance.now()")) as number;
  const tasks = (await page.evaluate(`window.__longTasks.filter((t) => t.start >= ${t0} && t.start < ${t1})`)) as Array<{ start: number; duration: number }>;
  const samples = [start, await memoryAfterGc(cdp)];
  const end = samples[samples.length - 1];
  const slowest = JSON.stringify(await page.evaluate("window.__slowestDraw"));
  const report = `heap after GC (MB): ${samples.map((s) => (s.heap / 1e6).toFixed(2)).join(" → ")}; elements: ${samples.map((s) => s.elements).join(" → ")}; long tasks (ms): ${tasks.map((t) => t.duration.toFixed(0)).join(", ") || "none"}; slowest draw of each panel (ms): ${slowest}`;
  process.stdout.write(`# soak: ${report}\n`);
  assert.ok(tasks.every((t) => t.duration <= 200), `a long task over 200 ms: ${report}`);
  assert.ok(end.heap <= start.heap * 1.15 + 1e6, `the heap grew: ${report}`);
  // Plots are redrawn as new SVG: the count moves with the intervals drawn, a leak would climb.
  assert.ok(end.elements <= start.elements * 1.25 + 50, `the document grew: ${report}`);

  // Keeping up: the page shows the window the store has, within a second.
  const key = (await page.textContent("#key-title"))!;
  const stored = await latestWindow(key);
  assert.ok(stored);
  await pageCondition(`Number(/window \\d+–(\\d+)/.exec(document.querySelector("#window-caption").textContent)?.[1]) >= ${stored.lastSeq}`, `the page to show window ${stored.lastSeq}`, 2000);
  await page.screenshot({ path: ARTEFACTS + "dashboard.png" });
  assert.deepEqual(errors, []);
});

test("a key named with HTML is shown as text, never as markup", async () => {
  const evil = "<img src=x onerror=alert(1)>";
  const service = await startService("run", {
    source: { type: "http" },
    sink: { type: "none" },
    stream: { scales: [{ size: 8, slide: 4 }], maxDim: 1 },
  });
  try {
    const events = Array.from({ length: 12 }, (_, i) => ({ key: evil, ts: 1000 + i, value: [Math.cos(i), Math.sin(i)] }));
    const posted = await fetch(service.url + "events", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(events) });
    assert.equal(posted.status, 202);
    const tab = await browser.newPage();
    const tabErrors = collectPageErrors(tab);
    tab.on("dialog", (d) => tabErrors.push(`dialog: ${d.message()}`));
    await tab.goto(service.url);
    await tab.locator(".key-row").first().waitFor({ timeout: 30_000 });
    assert.equal(await tab.locator(".key-row .key-name").first().textContent(), evil);
    await tab.locator("#diagram svg").waitFor();
    assert.equal(await tab.textContent("#key-title"), evil);
    assert.equal(await tab.locator("img").count(), 0, "no element was made from the key");
    await tab.screenshot({ path: ARTEFACTS + "dashboard-html-key.png" });
    assert.deepEqual(tabErrors, []);
    await tab.close();
  } finally {
    await service.stop();
  }
});

/**
 * The playground in a real browser (Debian's chromium through playwright-core): it computes
 * persistence with the project's library in a Web Worker and agrees with `streaming-tda ph`.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { buildWeb } from "../scripts/build-web.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import { collectPageErrors, launchChromium } from "../testkit/browser.ts";
import { cli } from "./helpers/cli.ts";
import { startService, type ServiceProcess } from "./helpers/service-process.ts";

const ARTEFACTS = new URL("../test-artefacts/", import.meta.url).pathname;
let service: ServiceProcess;
let browser: Browser;

before(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  await buildWeb();
  // Any pipeline serves the playground; an idle one keeps the machine quiet for the timing.
  [service, browser] = await Promise.all([
    startService("run", { source: { type: "http" }, sink: { type: "none" } }),
    launchChromium(),
  ]);
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** 100 points on the unit circle with a little noise, as point-cloud text. */
function noisyCircle(n: number, seed: number): string {
  const random = seededRandom(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const angle = 2 * Math.PI * random();
    const r = 1 + 0.05 * (random() - 0.5);
    lines.push(`${(r * Math.cos(angle)).toFixed(6)} ${(r * Math.sin(angle)).toFixed(6)}`);
  }
  return lines.join("\n") + "\n";
}

async function computeInPage(page: Page, points: string): Promise<Record<string, Array<[number, number | null]>>> {
  await page.fill("#points", points);
  await page.selectOption("#format", "point-cloud");
  await page.selectOption("#max-dim", "1");
  await page.click("#compute");
  await page.locator('#status:text-is("done"), #error:not(:empty)').first().waitFor();
  assert.equal(await page.textContent("#error"), "");
  return JSON.parse(await page.inputValue("#result-json"));
}

test("the playground's barcode of a 100-point circle matches streaming-tda ph on the same points", async () => {
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  await page.goto(service.url + "playground");
  const points = noisyCircle(100, 7);
  const inBrowser = await computeInPage(page, points);

  const ph = cli(["ph", "--format", "point-cloud", "--dim", "1", "--output", "json"], points);
  assert.equal(ph.code, 0, ph.stderr);
  const expected = JSON.parse(ph.stdout).diagrams as Record<string, Array<[number, number | null]>>;
  for (const dim of ["0", "1"]) {
    const a = [...inBrowser[dim]].sort((x, y) => x[0] - y[0] || (x[1] ?? Infinity) - (y[1] ?? Infinity));
    const b = [...expected[dim]].sort((x, y) => x[0] - y[0] || (x[1] ?? Infinity) - (y[1] ?? Infinity));
    assert.equal(a.length, b.length, `H${dim}: ${a.length} intervals in the browser, ${b.length} from ph`);
    a.forEach(([birth, death], i) => {
      const [eb, ed] = b[i];
      assert.ok(Math.abs(birth - eb) <= 1e-6 * Math.max(1, Math.abs(eb)), `H${dim} interval ${i}: birth ${birth} vs ${eb}`);
      if (ed === null) assert.equal(death, null);
      else assert.ok(death !== null && Math.abs(death - ed) <= 1e-6 * Math.max(1, ed), `H${dim} interval ${i}: death ${death} vs ${ed}`);
    });
  }
  // A circle: one long H1 bar.
  const longest = Math.max(...inBrowser["1"].map(([b, d]) => (d ?? Infinity) - b));
  assert.ok(longest > 1, `the circle's H1 bar lasts ${longest}`);

  assert.ok((await page.locator("#diagram svg circle").count()) >= 100, "the diagram shows a point per interval");
  assert.ok((await page.locator("#barcode svg .bars line").count()) >= 100, "the barcode shows a bar per interval");
  assert.match((await page.textContent("#timing")) ?? "", /100 points · computed in [\d.]+ ms/);
  await page.screenshot({ path: ARTEFACTS + "playground.png", fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test("the playground compares two kept diagrams and reports bad input as a message", async () => {
  const page = await browser.newPage();
  const errors = collectPageErrors(page);
  await page.goto(service.url + "playground");
  await computeInPage(page, noisyCircle(60, 1));
  await page.click("#keep-a");
  await computeInPage(page, noisyCircle(60, 2));
  await page.click("#keep-b");
  await page.waitForSelector("#comparison tr:nth-child(3)");
  const rows = await page.locator("#comparison tr").allTextContents();
  assert.match(rows[0], /bottleneck.*Wasserstein/);
  assert.match(rows[2], /^H1\d/);
  const bottleneckH1 = Number((await page.locator("#comparison tr:nth-child(3) td:nth-child(2)").textContent()) ?? NaN);
  assert.ok(bottleneckH1 > 0 && bottleneckH1 < 0.5, `two samples of one circle are close in H1: ${bottleneckH1}`);

  await page.fill("#points", "0 0\n1 x\n");
  await page.click("#compute");
  await page.locator("#error:not(:empty)").waitFor();
  assert.match((await page.textContent("#error")) ?? "", /input:2:\d+/);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the playground is served with a strict Content-Security-Policy and its assets as immutable", async () => {
  const res = await fetch(service.url + "playground");
  assert.equal(res.status, 200);
  const csp = res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("referrer-policy"), "same-origin");
  assert.equal(res.headers.get("cache-control"), "no-cache");
  const html = await res.text();
  assert.doesNotMatch(html, /<script>|<script type="module">/, "no inline script");
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(script, "the page loads a bundled script");
  const asset = await fetch(new URL(script, service.url));
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get("cache-control") ?? "", /immutable/);
  assert.match(asset.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.equal((await fetch(new URL("/assets/..%2Fmanifest.json", service.url))).status, 404);
});

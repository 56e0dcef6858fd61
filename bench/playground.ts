/**
 * The playground's speed: persistence to H1 of a 200-point cloud in the plane, computed in
 * headless Chromium by the playground page itself (the bundled library in its Web Worker;
 * the time the page reports, measured in the worker around the computation), next to
 * `streaming-tda ph` on the same points in Node: the whole command, and the same
 * computation timed in-process. Printed side by side with the ratios, from one run.
 *
 *   npm run bench:playground [-- --points 200 --runs 20]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { buildWeb } from "../scripts/build-web.ts";
import { WebAssets } from "../src/service/http/page.ts";
import { parseRipsInput, ripsPersistence, seededRandom } from "../src/tda/index.ts";
import { launchChromium } from "../testkit/browser.ts";
import { pointCloudText, randomCloud } from "../testkit/inputs.ts";
import { median, runMeasured } from "./lib/measure.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({ options: { points: { type: "string", default: "200" }, runs: { type: "string", default: "20" } } });
const n = Number(values.points);
const runs = Number(values.runs);
const WARM_UP = 3;

const text = pointCloudText(randomCloud(seededRandom(2024), n, 2));

/**
 * In the page: fill in the points, press Compute, read the time the page reports; after
 * each, the same computation in this Node process, timed as the worker times it (the input
 * already read). Alternating lets a shared machine's load weigh on both alike.
 */
async function alternateTimes(): Promise<{ browser: number[]; node: number[]; intervals: number[] }> {
  const input = parseRipsInput("point-cloud", text, "input");
  await buildWeb();
  const assets = new WebAssets();
  const server = createServer((req, res) => {
    void assets.handle(req, res, new URL(req.url ?? "/", "http://localhost")).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/playground`);
    await page.fill("#points", text);
    await page.selectOption("#max-dim", "1");
    const times = { browser: [] as number[], node: [] as number[] };
    let intervals: number[] = [];
    for (let i = 0; i < WARM_UP + runs; i++) {
      await page.click("#compute");
      await page.locator('#status:text-is("done"), #error:not(:empty)').first().waitFor();
      const error = await page.textContent("#error");
      if (error) throw new Error(`the playground failed: ${error}`);
      const json = JSON.parse(await page.inputValue("#result-json")) as Record<string, unknown[]>;
      intervals = Object.values(json).map((d) => d.length);
      const t0 = performance.now();
      const inNode = ripsPersistence(input, { maxDim: 1 });
      const nodeMs = performance.now() - t0;
      if (inNode.diagrams.map((d) => d.length).join() !== intervals.join()) throw new Error(`Node and the browser disagree: ${inNode.diagrams.map((d) => d.length)} against ${intervals} intervals`);
      if (i >= WARM_UP) {
        times.browser.push(Number(await page.locator("#timing").getAttribute("data-compute-ms")));
        times.node.push(nodeMs);
      }
    }
    return { ...times, intervals };
  } finally {
    await browser.close();
    server.close();
  }
}

const measured = await alternateTimes();
const ph = Array.from({ length: Math.min(runs, 7) }, () =>
  runMeasured(`${ROOT}node_modules/.bin/node`, [`${ROOT}bin/streaming-tda.js`, "ph", "--format", "point-cloud", "--dim", "1"], text),
);
const b = median(measured.browser);
const node = median(measured.node);
const cli = median(ph.map((r) => r.seconds * 1000));
const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
process.stdout.write(
  [
    `${n} random points in the plane, persistence to H1 (intervals per dimension: ${measured.intervals.join(", ")}); medians of ${runs} runs after ${WARM_UP} warm-up runs; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`,
    `playground in Chromium (Web Worker, bundled library)  ${fmt(b)}`,
    `same computation in Node, in-process                  ${fmt(node)}    browser/Node ${(b / node).toFixed(2)}x`,
    `streaming-tda ph, whole command (${ph.length} runs)        ${fmt(cli).padStart(9)}    browser/ph ${(b / cli).toFixed(2)}x`,
    "",
  ].join("\n"),
);

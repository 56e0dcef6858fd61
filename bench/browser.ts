/**
 * npm run bench:browser [-- --runs 15 --only library|playground]
 * (npm run bench:playground is --only playground)
 *
 * The library in a browser against the same library in Node, in one run, in two parts.
 *
 * library: ripsPersistence to H1 on a 200-point noisy circle and on 200 random points in
 * R^3, each with the default options (which collapse edges there) and with `collapse: false`,
 * computed in headless Chromium (Debian's chromium, driven by playwright-core) by the library
 * bundled with esbuild from its entry point, and in this Node process. A run is a batch of
 * five computations (a single one is too short for a thread's CPU clock read between other
 * work), timed as the CPU time of the thread that computes (the page's main thread through
 * the DevTools protocol's ThreadTime, Node's through process.threadCpuUsage), which a loaded
 * machine inflates far less than wall time, and in wall time too. Runs alternate between the
 * two, so the load weighs on both alike; after warm-up runs the medians are printed side by
 * side with their ratio, and the barcodes' sizes are checked to agree.
 *
 * playground: the playground page itself on 200 random points in the plane (its Web Worker,
 * the time it reports) against the same computation in Node (bench/browser/playground.ts),
 * and the whole `streaming-tda ph` command on those points.
 *
 * The last line is one JSON object keyed by case name.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { bundleForBrowser } from "../scripts/browser-bundle.ts";
import { ripsPersistence, seededRandom } from "../src/tda/index.ts";
import { launchChromium } from "../testkit/browser.ts";
import { noisyCircle, pointCloudText, randomCloud } from "../testkit/inputs.ts";
import { timePlayground } from "./browser/playground.ts";
import { median, runMeasured } from "./lib/measure.ts";

const PARTS = ["library", "playground"] as const;
const { values } = parseArgs({ options: { runs: { type: "string", default: "15" }, only: { type: "string" } } });
const RUNS = Number(values.runs);
if (values.only !== undefined && !(PARTS as readonly string[]).includes(values.only)) throw new Error(`--only takes ${PARTS.join(" or ")}, not ${values.only}`);
const runs = (part: (typeof PARTS)[number]) => values.only === undefined || values.only === part;
const WARM_UP = 8;
/** Computations per timed run. */
const BATCH = 5;

interface BrowserCase {
  name: string;
  points: number[][];
  /** null: the library's default. */
  collapse: boolean | null;
}

const circle = noisyCircle(seededRandom(200), 200, 0.1);
const cloud = randomCloud(seededRandom(201), 200, 3);
const CASES: BrowserCase[] = [
  { name: "noisy circle 200, H1", points: circle, collapse: null },
  { name: "noisy circle 200, H1, collapse: false", points: circle, collapse: false },
  { name: "random 3-d 200, H1", points: cloud, collapse: null },
  { name: "random 3-d 200, H1, collapse: false", points: cloud, collapse: false },
];

const browser = await launchChromium();
const results: Record<string, Record<string, number>> = {};
try {
  console.log(`bench:browser — Chromium ${browser.version()} against Node ${process.versions.node}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  if (runs("library")) await libraryCases();
  if (runs("playground")) await playgroundCase();
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));

async function libraryCases(): Promise<void> {
  const [bundle] = await bundleForBrowser({ entryPoints: { page: new URL("./browser/page.ts", import.meta.url).pathname }, minify: false });
  const page = await browser.newPage();
  const devtools = await page.context().newCDPSession(page);
  await devtools.send("Performance.enable", { timeDomain: "threadTicks" });
  const threadSeconds = async () => (await devtools.send("Performance.getMetrics")).metrics.find((m) => m.name === "ThreadTime")?.value ?? Number.NaN;
  await page.addScriptTag({ content: bundle.text, type: "module" });
  await page.waitForFunction(() => typeof globalThis.timeRips === "function");
  console.log(`library: medians of ${RUNS} alternating runs of ${BATCH} computations after ${WARM_UP} warm-up runs, per computation`);
  for (const c of CASES) {
    const times = { browserCpu: [] as number[], nodeCpu: [] as number[], browserWall: [] as number[], nodeWall: [] as number[] };
    for (let run = 0; run < WARM_UP + RUNS; run++) {
      const before = await threadSeconds();
      const there = await page.evaluate(([points, collapse, batch]) => globalThis.timeRips(points, 1, collapse, batch), [c.points, c.collapse, BATCH] as const);
      const browserCpu = ((await threadSeconds()) - before) * 1000;
      const cpu = process.threadCpuUsage();
      const started = performance.now();
      let here: number[] = [];
      for (let k = 0; k < BATCH; k++) here = ripsPersistence(c.points, { maxDim: 1, collapse: c.collapse ?? undefined }).diagrams.map((d) => d.length);
      const nodeWall = performance.now() - started;
      const used = process.threadCpuUsage(cpu);
      if (here.join() !== there.intervals.join()) throw new Error(`${c.name}: Node finds ${here} intervals per dimension, the browser ${there.intervals}`);
      if (run < WARM_UP) continue;
      times.browserCpu.push(browserCpu / BATCH);
      times.nodeCpu.push((used.user + used.system) / 1000 / BATCH);
      times.browserWall.push(there.ms / BATCH);
      times.nodeWall.push(nodeWall / BATCH);
    }
    const row = {
      browserCpuMs: round(median(times.browserCpu)),
      nodeCpuMs: round(median(times.nodeCpu)),
      ratio: round(median(times.browserCpu) / median(times.nodeCpu)),
      browserWallMs: round(median(times.browserWall)),
      nodeWallMs: round(median(times.nodeWall)),
    };
    results[c.name] = row;
    const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
    console.log(
      `${c.name.padEnd(39)} CPU: browser ${ms(row.browserCpuMs)}  Node ${ms(row.nodeCpuMs)}  browser/Node ${row.ratio.toFixed(2)}   ` +
        `(wall: browser ${ms(row.browserWallMs)}  Node ${ms(row.nodeWallMs)})`,
    );
  }
  await page.close();
}

/** The playground page against Node in-process and the whole `ph` command: wall times, as the page reports its own. */
async function playgroundCase(): Promise<void> {
  const text = pointCloudText(randomCloud(seededRandom(2024), 200, 2));
  const measured = await timePlayground(browser, text, RUNS, WARM_UP);
  const root = new URL("../", import.meta.url).pathname;
  const ph = Array.from({ length: Math.min(RUNS, 7) }, () => runMeasured(process.execPath, [`${root}bin/streaming-tda.js`, "ph", "--format", "point-cloud", "--dim", "1"], text));
  const row = {
    browserWallMs: round(median(measured.browser)),
    nodeWallMs: round(median(measured.node)),
    ratio: round(median(measured.browser) / median(measured.node)),
    phCommandMs: round(median(ph.map((r) => r.seconds * 1000))),
  };
  results["playground: 200 random points in the plane, H1"] = row;
  const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
  console.log(`playground: 200 random points in the plane, H1 (intervals per dimension: ${measured.intervals.join(", ")}); medians of ${RUNS} alternating runs after ${WARM_UP} warm-up runs, wall time as the page's Web Worker reports it`);
  console.log(`${"playground page (Web Worker)".padEnd(39)} wall: browser ${ms(row.browserWallMs)}  Node ${ms(row.nodeWallMs)}  browser/Node ${row.ratio.toFixed(2)}   (streaming-tda ph, whole command, ${ph.length} runs: ${ms(row.phCommandMs)})`);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

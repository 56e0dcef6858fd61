/**
 * The playground page's own speed, for bench:browser: the page served as `serve` serves it,
 * its Compute button pressed, and the time the page reports (measured in its Web Worker
 * around ripsPersistence, the input already read); after each, the same computation in this
 * Node process, timed the same way. Alternating lets a shared machine's load weigh on both alike.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { buildWeb } from "../../scripts/build-web.ts";
import { WebAssets } from "../../src/service/http/page.ts";
import { parseRipsInput, ripsPersistence } from "../../src/tda/index.ts";

export interface PlaygroundTimes {
  /** Milliseconds per computation, as the page reports them. */
  browser: number[];
  node: number[];
  /** Intervals per dimension (both sides found the same). */
  intervals: number[];
}

/** `runs` timed computations to H1 of the point cloud `text` on each side, after `warmUp` untimed. */
export async function timePlayground(browser: Browser, text: string, runs: number, warmUp: number): Promise<PlaygroundTimes> {
  const input = parseRipsInput("point-cloud", text, "input");
  await buildWeb();
  const assets = new WebAssets();
  const server = createServer((req, res) => {
    void assets.handle(req, res, new URL(req.url ?? "/", "http://localhost")).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const page = await browser.newPage();
  try {
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/playground`);
    await page.fill("#points", text);
    await page.selectOption("#max-dim", "1");
    const times: PlaygroundTimes = { browser: [], node: [], intervals: [] };
    for (let i = 0; i < warmUp + runs; i++) {
      await page.click("#compute");
      await page.locator('#status:text-is("done"), #error:not(:empty)').first().waitFor();
      const error = await page.textContent("#error");
      if (error) throw new Error(`the playground failed: ${error}`);
      const json = JSON.parse(await page.inputValue("#result-json")) as Record<string, unknown[]>;
      times.intervals = Object.values(json).map((d) => d.length);
      const t0 = performance.now();
      const inNode = ripsPersistence(input, { maxDim: 1 });
      const nodeMs = performance.now() - t0;
      if (inNode.diagrams.map((d) => d.length).join() !== times.intervals.join()) {
        throw new Error(`Node and the playground disagree: ${inNode.diagrams.map((d) => d.length)} against ${times.intervals} intervals`);
      }
      if (i >= warmUp) {
        times.browser.push(Number(await page.locator("#timing").getAttribute("data-compute-ms")));
        times.node.push(nodeMs);
      }
    }
    return times;
  } finally {
    await page.close();
    server.close();
  }
}

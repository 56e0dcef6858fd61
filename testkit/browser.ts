/**
 * Headless Chromium for browser tests and benchmarks: Debian's `chromium` (installed by
 * scripts/ensure-test-tools.sh), driven by playwright-core, which downloads no browser.
 */
import { execFileSync } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";

/** The chromium on PATH; throws naming the fix when there is none. */
export function chromiumPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("no chromium on PATH: run scripts/ensure-test-tools.sh (it installs Debian's chromium)");
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

/**
 * Collects what a page reports as wrong: console errors, uncaught exceptions, failed
 * requests and CSP violations. Tests assert the list is empty at the end.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on("pageerror", (err) => errors.push(`exception: ${err.message}`));
  page.on("requestfailed", (req) => {
    // An EventSource torn down at navigation or close is not a failure of the page.
    if (req.failure()?.errorText === "net::ERR_ABORTED" && req.resourceType() === "eventsource") return;
    errors.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ""}`);
  });
  return errors;
}

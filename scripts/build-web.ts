/**
 * Builds the page's assets into dist/web: each page's scripts and styles with hashed names
 * (served as immutable), and each page's HTML (web/<page>/index.html, with `{{entry.js}}`
 * and `{{entry.css}}` replaced by the files they became) as dist/web/<page>.html.
 * `npm run build` runs it; so do the browser tests, so that they test the current sources.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleForBrowser } from "./browser-bundle.ts";

const ROOT = resolve(import.meta.dirname, "..");
export const WEB_OUT = join(ROOT, "dist", "web");

export const WEB_ENTRIES: Record<string, string> = {
  playground: join(ROOT, "web", "playground", "main.ts"),
  "playground-worker": join(ROOT, "web", "playground", "worker.ts"),
};

/** The pages: dist/web/<name>.html from web/<name>/index.html. */
export const WEB_PAGES = ["playground"];

export async function buildWeb(outdir = WEB_OUT): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  const files = await bundleForBrowser({ entryPoints: WEB_ENTRIES, outdir, hashed: true });
  const names = new Map<string, string>();
  for (const f of files) {
    names.set(`${f.entry}.js`, f.file);
    if (f.css !== undefined) names.set(`${f.entry}.css`, f.css);
  }
  const written = files.map((f) => f.file);
  for (const page of WEB_PAGES) {
    const template = readFileSync(join(ROOT, "web", page, "index.html"), "utf8");
    const html = template.replace(/\{\{([\w-]+\.(?:js|css))\}\}/g, (_, name: string) => {
      const file = names.get(name);
      if (file === undefined) throw new Error(`web/${page}/index.html names ${name}, which the build did not make`);
      return file;
    });
    writeFileSync(join(outdir, `${page}.html`), html);
    written.push(`${page}.html`);
  }
  return written;
}

if (import.meta.main) {
  try {
    const written = await buildWeb();
    process.stdout.write(`web assets in dist/web: ${written.join(", ")}\n`);
  } catch (err) {
    process.stderr.write(`build-web: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}

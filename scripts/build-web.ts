/**
 * Builds the page's assets into dist/web: each page's scripts and styles with hashed names
 * (served as immutable), and each page's HTML (web/<page>/index.html, with `{{entry.js}}`
 * and `{{entry.css}}` replaced by the files they became) as dist/web/<page>.html.
 * `npm run build` runs it; so do the browser tests, so that they test the current sources.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleForBrowser, writeAtomically } from "./browser-bundle.ts";

const ROOT = resolve(import.meta.dirname, "..");
export const WEB_OUT = join(ROOT, "dist", "web");

export const WEB_ENTRIES: Record<string, string> = {
  dashboard: join(ROOT, "web", "dashboard", "main.ts"),
  playground: join(ROOT, "web", "playground", "main.ts"),
  "playground-worker": join(ROOT, "web", "playground", "worker.ts"),
};

/** The pages: dist/web/<name>.html from web/<name>/index.html. */
export const WEB_PAGES = ["dashboard", "playground"];

/**
 * Builds every page into `outdir`. Files are replaced whole, and assets of earlier builds
 * are removed only after the new pages are in place: a server reading the folder, or a
 * second build of the same sources at the same time, never finds a page missing.
 */
export async function buildWeb(outdir = WEB_OUT): Promise<string[]> {
  const files = await bundleForBrowser({ entryPoints: WEB_ENTRIES, outdir, hashed: true });
  const names = new Map<string, string>();
  for (const f of files) {
    names.set(`${f.entry}.js`, f.file);
    if (f.css !== undefined) names.set(`${f.entry}.css`, f.css);
  }
  const written = files.flatMap((f) => (f.css === undefined ? [f.file] : [f.file, f.css]));
  for (const page of WEB_PAGES) {
    const template = readFileSync(join(ROOT, "web", page, "index.html"), "utf8");
    const html = template.replace(/\{\{([\w-]+\.(?:js|css))\}\}/g, (_, name: string) => {
      const file = names.get(name);
      if (file === undefined) throw new Error(`web/${page}/index.html names ${name}, which the build did not make`);
      return file;
    });
    writeAtomically(join(outdir, `${page}.html`), html);
    written.push(`${page}.html`);
  }
  const kept = new Set(written.flatMap((f) => [f, `${f}.map`]));
  for (const name of readdirSync(outdir)) {
    // Another build's temporary files are its own to rename.
    if (!kept.has(name) && !name.endsWith(".tmp")) rmSync(join(outdir, name), { force: true });
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

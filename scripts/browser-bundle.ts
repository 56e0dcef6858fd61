/**
 * Bundles TypeScript for browsers with esbuild: one ES module per entry, everything it
 * imports inlined. The page's build (scripts/build-web.ts) and browser benchmarks use it.
 *
 * Page code reaches the library only through its public entry point (src/tda/index.ts):
 * a value import of any other file under src/ fails the build, so the browser runs the
 * library as users get it, never a copy or a private part of it.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
/** The one file under src/ that browser code may import. */
export const LIBRARY_ENTRY = join(SRC, "tda", "index.ts");

export interface BrowserBundleOptions {
  /** Output name (without extension) → entry file. */
  entryPoints: Record<string, string>;
  /** Where the files are written; omitted, nothing is written and only the texts are returned. */
  outdir?: string;
  /** Content hash in file names, for assets served as immutable (default false). */
  hashed?: boolean;
  /** Default true. */
  minify?: boolean;
  /** A map beside each file, for readable stack traces in the browser (default: when written to outdir). */
  sourcemap?: boolean;
}

export interface BundledFile {
  /** The entry's name, as given in `entryPoints`. */
  entry: string;
  /** File name inside outdir, e.g. "dashboard-3XK2FQ.js". */
  file: string;
  /** The stylesheet of the CSS the entry imports, if any (file name inside outdir). */
  css?: string;
  text: string;
}

/** Bundles every entry; returns the entry files (source maps are written, not returned). */
export async function bundleForBrowser(options: BrowserBundleOptions): Promise<BundledFile[]> {
  const outdir = resolve(options.outdir ?? join(ROOT, "dist", "web"));
  const result = await build({
    entryPoints: options.entryPoints,
    outdir,
    entryNames: options.hashed ? "[name]-[hash]" : "[name]",
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ?? options.outdir !== undefined,
    metafile: true,
    write: false,
    logLevel: "silent",
    plugins: [libraryThroughEntryPoint],
  });
  const entries = new Map<string, { name: string; css?: string }>();
  for (const [out, meta] of Object.entries(result.metafile.outputs)) {
    if (meta.entryPoint === undefined) continue;
    const name = Object.entries(options.entryPoints).find(([, path]) => resolve(ROOT, path) === resolve(ROOT, meta.entryPoint!))?.[0];
    if (name !== undefined) entries.set(resolve(ROOT, out), { name, css: meta.cssBundle && basename(meta.cssBundle) });
  }
  const files: BundledFile[] = [];
  for (const out of result.outputFiles) {
    if (options.outdir !== undefined) writeAtomically(out.path, out.contents);
    const entry = entries.get(out.path);
    if (entry !== undefined) files.push({ entry: entry.name, file: basename(out.path), css: entry.css, text: out.text });
  }
  return files;
}

/**
 * Writes a file whole or not at all (a temporary file renamed over it): a server, or
 * another build of the same sources, never sees half of it.
 */
export function writeAtomically(path: string, contents: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

/** Refuses value imports of src/ other than the library's entry point. */
const libraryThroughEntryPoint: Plugin = {
  name: "library-through-entry-point",
  setup(b) {
    b.onResolve({ filter: /^[./]/ }, (args) => {
      if (args.importer.startsWith(SRC + "/") || args.kind === "entry-point") return undefined;
      const target = resolve(args.resolveDir, args.path);
      if (!target.startsWith(SRC + "/") || target === LIBRARY_ENTRY) return undefined;
      return {
        errors: [
          {
            text: `${relative(ROOT, args.importer)} imports ${relative(ROOT, target)}: browser code uses the library only through ${relative(ROOT, LIBRARY_ENTRY)}`,
          },
        ],
      };
    });
  },
};

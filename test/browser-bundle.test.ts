import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { bundleForBrowser, LIBRARY_ENTRY } from "../scripts/browser-bundle.ts";

const dir = mkdtempSync(join(tmpdir(), "browser-bundle-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const src = new URL("../src/", import.meta.url).pathname;

test("browser code bundles the library through its entry point, with no Node API", async () => {
  const entry = join(dir, "uses-library.ts");
  writeFileSync(entry, `import { ripsPersistence } from ${JSON.stringify(LIBRARY_ENTRY)};\nexport const barcode = ripsPersistence([[0, 0], [1, 0], [0, 1]]);\n`);
  const [file] = await bundleForBrowser({ entryPoints: { library: entry } });
  assert.equal(file.entry, "library");
  assert.match(file.text, /enclosing|threshold/i);
  assert.doesNotMatch(file.text, /from\s*"node:|require\(/);
});

test("a browser import of the library's internals fails the build, naming both files", async () => {
  const entry = join(dir, "reaches-inside.ts");
  writeFileSync(entry, `import { ripsPersistence } from ${JSON.stringify(join(src, "tda/rips.ts"))};\nexport const f = ripsPersistence;\n`);
  await assert.rejects(bundleForBrowser({ entryPoints: { inside: entry } }), /imports src\/tda\/rips\.ts: browser code uses the library only through src\/tda\/index\.ts/);
});

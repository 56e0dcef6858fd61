#!/usr/bin/env node
// The `streaming-tda` command. In the repository it loads the TypeScript sources directly
// (Node 24 strips types; `npm install` provides it as node_modules/.bin/node); an installed
// package, which ships no sources, loads the compiled dist/ instead.
import { existsSync } from "node:fs";
import module from "node:module";
import process from "node:process";
import { URL } from "node:url";

// Reuse compiled (and type-stripped) code between runs: start-up drops to a quarter.
module.enableCompileCache?.();

const sources = new URL("../src/service/cli/main.ts", import.meta.url);
const compiled = new URL("../dist/service/cli/main.js", import.meta.url);

async function load() {
  if (existsSync(sources)) {
    try {
      return await import(sources.href);
    } catch (error) {
      // Older Node cannot load .ts files; fall back to a build if there is one.
      if (error?.code !== "ERR_UNKNOWN_FILE_EXTENSION" || !existsSync(compiled)) throw error;
    }
  }
  return import(compiled.href);
}

try {
  const { runFromCommandLine } = await load();
  await runFromCommandLine(process.argv.slice(2));
} catch (error) {
  if (error?.code === "ERR_UNKNOWN_FILE_EXTENSION") {
    process.stderr.write(`streaming-tda: Node ${process.version} cannot run the TypeScript sources; use Node 24 (node_modules/.bin/node, or npx streaming-tda) or run npm run build\n`);
  } else {
    process.stderr.write(`streaming-tda: cannot start: ${error?.message ?? error}${process.env.DEBUG === "1" ? `\n${error?.stack}` : ""}\n`);
  }
  process.exitCode = 70;
}

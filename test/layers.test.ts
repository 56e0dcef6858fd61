/**
 * The import rules of `npm run lint` (.dependency-cruiser.mjs), each shown failing: a small
 * tree laid out like the repository gets one file per broken rule, nested folders deep, and
 * the lint's own command must reject each with the rule's name, and pass the allowed ones.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";

const root = new URL("..", import.meta.url).pathname;

/** Files the probes import, so that every import resolves. */
const TARGETS = [
  "src/tda/index.ts",
  "src/tda/rips.ts",
  "src/tda/types.ts",
  "src/tda/rips/workspace.ts",
  "src/stream/types.ts",
  "src/adapters/types.ts",
  "src/adapters/store/sqlite-store.ts",
  "bench/stream.ts",
  "test/helpers/cli.ts",
  "testkit/ripser.ts",
  "web/common/dom.ts",
  "src/service/http/live-types.ts",
];

/** A file, what it imports, and the rule that must reject it (none: it is allowed). */
const PROBES: Array<{ file: string; imports: string[]; rule?: string; values?: true }> = [
  { file: "src/tda/deep/er/up.ts", imports: ["../../../stream/types.ts"], rule: "layer-tda" },
  { file: "src/tda/deep/node-api.ts", imports: ["node:fs"], rule: "tda-pure" },
  { file: "src/stream/a/b/c/service.ts", imports: ["../../../../service/pipeline.ts"], rule: "layer-stream" },
  { file: "src/stream/a/b/adapters.ts", imports: ["../../../adapters/types.ts"], rule: "layer-stream" },
  { file: "src/stream/a/b/rips-inside.ts", imports: ["../../../tda/rips/workspace.ts"], rule: "tda-entry-points" },
  { file: "src/stream/node-api.ts", imports: ["node:worker_threads"], rule: "stream-on-tda" },
  { file: "src/adapters/x/y/service.ts", imports: ["../../../service/pipeline.ts"], rule: "layer-adapters" },
  { file: "src/service/runtime/deep/store.ts", imports: ["../../../adapters/store/sqlite-store.ts"], rule: "adapters-through-interfaces" },
  { file: "src/service/http/test-helper.ts", imports: ["../../../test/helpers/cli.ts"], rule: "nothing-imports-test" },
  { file: "bench/lib/test-helper.ts", imports: ["../../test/helpers/cli.ts"], rule: "nothing-imports-test" },
  { file: "test/deep/bench.ts", imports: ["../../bench/stream.ts"], rule: "nothing-imports-bench" },
  { file: "src/adapters/oracle.ts", imports: ["../../testkit/ripser.ts"], rule: "product-without-testkit" },
  { file: "src/tda/circle/a.ts", imports: ["./b.ts"], rule: "no-circular" },
  { file: "src/tda/circle/b.ts", imports: ["./a.ts"], rule: "no-circular" },
  { file: "src/service/missing.ts", imports: ["./nowhere.ts"], rule: "resolvable" },
  { file: "web/page/deep/service.ts", imports: ["../../../src/service/pipeline.ts"], rule: "web-on-tda" },
  { file: "web/page/rips-inside.ts", imports: ["../../src/tda/rips/workspace.ts"], rule: "tda-entry-points" },
  { file: "web/page/wire-code.ts", imports: ["../../src/service/http/live-types.ts"], rule: "web-wire-types-only", values: true },
  { file: "web/page/stream-code.ts", imports: ["../../src/stream/types.ts"], rule: "web-wire-types-only", values: true },
  { file: "web/page/adapter-types.ts", imports: ["../../src/adapters/types.ts"], rule: "web-on-tda" },
  // Allowed.
  { file: "src/stream/deep/er/entries.ts", imports: ["../../../tda/index.ts", "../../../tda/rips.ts", "../../../tda/types.ts"] },
  { file: "src/adapters/deep/below.ts", imports: ["node:fs", "../../stream/types.ts", "../../tda/types.ts"] },
  { file: "src/service/pipeline.ts", imports: ["../adapters/store/sqlite-store.ts", "../adapters/types.ts"] },
  { file: "src/service/runtime/deep/seam.ts", imports: ["../../../adapters/types.ts", "../../../stream/types.ts"] },
  { file: "bench/lib/kit.ts", imports: ["../../testkit/ripser.ts", "../stream.ts"] },
  { file: "web/page/entries.ts", imports: ["../../src/tda/index.ts", "../common/dom.ts"] },
  { file: "web/page/wire.ts", imports: ["../../src/service/http/live-types.ts", "../../src/stream/types.ts"] },
];

/** Runs the lint's dependency check as `npm run lint` does, with the project's Node. */
function depcruise(cwd: string, args: string[]) {
  const bin = join(root, "node_modules/dependency-cruiser/bin/dependency-cruiser.mjs");
  return spawnSync(process.execPath, [bin, "--config", join(root, ".dependency-cruiser.mjs"), ...args], { cwd, encoding: "utf8" });
}

test("npm run lint's import rules reject every broken rule at any depth, and allow the layering", { timeout: 120_000 }, () => {
  const tree = mkdtempSync(join(tmpdir(), "stda-layers-"));
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    writeFileSync(join(tree, file), text);
  };
  for (const file of TARGETS) write(file, "export const x = 1;\n");
  // Type-only imports make a circle too.
  for (const { file, imports, values } of PROBES) write(file, imports.map((i) => (values ? `import "${i}";\n` : `import type {} from "${i}";\n`)).join("") + "export const y = 2;\n");

  const result = depcruise(tree, ["src", "web", "bench", "test", "testkit"]);
  assert.notEqual(result.status, 0, "the lint fails on this tree");
  // One line per violation: "error RULE: FROM → TO".
  const violations = [...result.stdout.matchAll(/^\s*error (\S+): (\S+) →/gm)].map((m) => ({ rule: m[1], from: m[2] }));
  assert.ok(violations.length > 0, result.stdout + result.stderr);
  for (const probe of PROBES) {
    // A circle is reported once, from one of its files.
    const circle = probe.rule === "no-circular" ? dirname(probe.file) + "/" : undefined;
    const found = violations.filter((v) => (circle ? v.from.startsWith(circle) : v.from === probe.file)).map((v) => v.rule);
    if (probe.rule === undefined) assert.deepEqual(found, [], `${probe.file} is allowed`);
    else assert.ok(found.includes(probe.rule), `${probe.file} (imports ${probe.imports}) breaks ${probe.rule}; got ${found.join("; ") || "nothing"}`);
  }
});

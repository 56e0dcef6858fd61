/**
 * The architecture's import rules, checked by dependency-cruiser on resolved paths (so a
 * file at any folder depth is covered) as part of `npm run lint`. Type-only imports count.
 * test/layers.test.ts shows each rule failing on an import that breaks it.
 */
import { readFileSync } from "node:fs";
import { URL } from "node:url";

/** Layers from the bottom up: each imports only those before it. */
const LAYERS = ["tda", "stream", "adapters", "service", "ops"];

/** The library's public entry points: the source files behind package.json "exports". */
const manifest = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const entries = Object.values(manifest.exports).map((target) =>
  (typeof target === "string" ? target : target.default).replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"),
);
const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export default {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `layer-${layer}`,
      comment: `src/${layer} imports nothing from the layers above it (${LAYERS.slice(i + 1).join(", ")})`,
      severity: "error",
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${LAYERS.slice(i + 1).join("|")})/` },
    })),
    {
      name: "tda-pure",
      comment: "src/tda is the mathematics alone: no Node API, no package, nothing outside src/tda (it runs in browsers)",
      severity: "error",
      from: { path: "^src/tda/" },
      to: { pathNot: "^src/tda/" },
    },
    {
      name: "stream-on-tda",
      comment: "src/stream imports only src/tda: no Node API, no package, no adapter",
      severity: "error",
      from: { path: "^src/stream/" },
      to: { pathNot: "^src/(stream|tda)/" },
    },
    {
      name: "web-on-tda",
      comment: "the page's code (web/) runs in browsers: it imports the library and itself only, and the wire format's types",
      severity: "error",
      from: { path: "^web/" },
      to: { pathNot: "^(web/|src/tda/|src/service/http/live-types\\.ts$|src/stream/types\\.ts$)" },
    },
    {
      name: "web-wire-types-only",
      comment: "the page reads the wire format's types from the service and the stream layer, and bundles none of their code",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^(src/service/http/live-types|src/stream/types)\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "tda-entry-points",
      comment: `outside src/tda the library is imported through its entry points only: ${entries.join(", ")}`,
      severity: "error",
      from: { pathNot: "^(src/tda|test)/" },
      to: { path: "^src/tda/", pathNot: `^(${entries.map(escape).join("|")})$` },
    },
    {
      name: "adapters-through-interfaces",
      comment: "the service reaches adapters through src/adapters/types.ts (and parses endpoint names with src/adapters/endpoints.ts); only the composition root (src/service/pipeline.ts) names a concrete one",
      severity: "error",
      from: { path: "^src/service/", pathNot: "^src/service/pipeline\\.ts$" },
      to: { path: "^src/adapters/", pathNot: "^src/adapters/(types|endpoints)\\.ts$" },
    },
    {
      name: "nothing-imports-test",
      comment: "tests are imported by nothing but tests",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
    {
      name: "nothing-imports-bench",
      comment: "benchmark scripts are imported by nothing but benchmark scripts",
      severity: "error",
      from: { pathNot: "^bench/" },
      to: { path: "^bench/" },
    },
    {
      name: "product-without-testkit",
      comment: "the product does not depend on the oracles and inputs shared by tests and benchmarks",
      severity: "error",
      from: { path: "^(src|bin)/" },
      to: { path: "^testkit/" },
    },
    {
      name: "no-circular",
      comment: "no import circles, type-only imports included",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "resolvable",
      comment: "every relative import names a file that exists",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    // Packages that declare only "exports" (no "main") resolve through it, as Node does.
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "node", "default", "types"] },
  },
};

/**
 * The config schema and its layers: YAML file, environment, flags. Every problem is reported
 * at once with where it came from, the setting's path and the rule it broke.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkConfig, ConfigError, parseConfigText, resolvePipelineConfig, type ConfigProblem } from "../src/service/config/config.ts";
import { envVariables } from "../src/service/config/env.ts";
import { PIPELINE_SETTINGS } from "../src/service/config/schema.ts";
import { spec as runSpec } from "../src/service/cli/run.ts";
import { pipelineConfigFromArgs } from "../src/service/cli/run-flags.ts";
import { UsageError } from "../src/service/cli/args.ts";
import { checkStreamConfig, STREAM_SETTINGS } from "../src/stream/config.ts";
import { checkSettings, scalarSettings, textSettings } from "../src/stream/settings.ts";
import { cli } from "./helpers/cli.ts";

const GOOD = `
source:
  type: file
  path: events.jsonl
sink:
  type: file
  path: out.jsonl
store:
  path: .data/x.db
  checkpointIntervalMs: 1000
http:
  port: 9090
runner:
  workers: 2
stream:
  scales:
    - size: 128
      slide: 8
  maxDim: 1
`;

const dir = mkdtempSync(join(tmpdir(), "stda-config-"));
function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problemsOf(text: string): ConfigError {
  try {
    parseConfigText(text, "p.yaml");
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail("expected a ConfigError");
}

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail("expected a ConfigError");
}

const byPath = (problems: ConfigProblem[]) => new Map(problems.map((p) => [p.path, p]));

test("a good config reads with every default filled in, from the schema", () => {
  const config = parseConfigText(GOOD, "good.yaml");
  assert.deepEqual(config.source, { type: "file", path: "events.jsonl", follow: false });
  assert.deepEqual(config.store, { path: ".data/x.db", checkpointIntervalMs: 1000, retentionHours: 24 });
  assert.deepEqual(config.http, {
    enabled: true,
    host: "127.0.0.1",
    port: 9090,
    queueCapacity: 20_000,
    maxBodyBytes: 8 << 20,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5000,
    maxConnections: 256,
  });
  assert.equal(config.log.level, "info");
  assert.deepEqual(config.stream.scales, [{ size: 128, slide: 8 }]);
  assert.equal(config.stream.maxKeys, 10_000);
  assert.deepEqual(config.stream.limits, { minValue: -1e9, maxValue: 1e9, maxDimension: 64, maxKeyLength: 256, maxRawLength: 65_536 });
  const empty = checkConfig({});
  assert.deepEqual(empty.problems, []);
  assert.deepEqual(empty.config!.source, { type: "stdin", format: "auto" });
  assert.equal(empty.config!.store, null);
});

test("the schema: every setting has a one-line help, and every default meets its own rules", () => {
  for (const [path, setting] of scalarSettings(PIPELINE_SETTINGS)) {
    assert.ok(setting.help.length > 0 && !setting.help.includes("\n"), path);
    if (setting.default !== undefined) {
      const alone = checkSettings(setting, setting.default, path);
      assert.deepEqual(alone.problems, [], path);
    }
  }
  const names = envVariables().map((v) => v.name);
  assert.equal(new Set(names).size, names.length, "one environment variable per setting");
  assert.ok(names.includes("STREAMING_TDA_HTTP_HOST") && names.includes("LOG_LEVEL") && names.includes("STREAMING_TDA_STREAM_MAX_DIM"));
});

test("errors name the path, the line and the rule broken, all of them at once", () => {
  const err = problemsOf(GOOD.replace("slide: 8", "slide: 0").replace("port: 9090", 'port: "x"').replace("workers: 2", "wrokers: 2"));
  const problems = byPath(err.problems);
  assert.equal(problems.get("http.port")?.line, 12);
  assert.equal(problems.get("http.port")?.rule, "must be an integer from 0 to 65535");
  assert.equal(problems.get("runner.wrokers")?.rule, 'unknown setting (did you mean "workers"?)');
  assert.equal(problems.get("runner.wrokers")?.line, 14);
  assert.equal(problems.get("stream.scales[0].slide")?.line, 18);
  assert.match(err.message, /^p\.yaml:12: http\.port: must be an integer from 0 to 65535, got "x"$/m);
  assert.match(err.message, /^p\.yaml:18: stream\.scales\[0\]\.slide: must be an integer ≥ 1, got 0$/m);
});

test("every stream.* problem is listed, as structured values from the stream layer", () => {
  const text = GOOD.replace("maxDim: 1", "maxDim: -1\n  modulus: 4\n  latePolicy: later\n  features: [betti]\n  detector: { warmup: 0 }");
  const err = problemsOf(text);
  const sorted = (rows: unknown[][]) => rows.sort((x, y) => String(x[0]).localeCompare(String(y[0])));
  assert.deepEqual(sorted(err.problems.map((p) => [p.path, p.rule, p.got])), sorted([
    ["stream.maxDim", "must be an integer from 0 to 8", -1],
    ["stream.modulus", "must be a prime", 4],
    ["stream.latePolicy", "must be one of dead-letter, drop", "later"],
    ["stream.features[0]", "must be one of count, total_persistence, entropy", "betti"],
    ["stream.detector.warmup", "must be an integer ≥ 1", 0],
  ]));
  const stream = checkStreamConfig({ scales: [{ size: 8, slide: 1 }, { size: 8, slide: 1 }], limits: { minValue: 5, maxValue: 1 } });
  assert.equal(stream.config, undefined);
  assert.deepEqual(stream.problems, [
    { path: "limits.minValue", rule: "must not be above limits.maxValue (1)", got: 5 },
    { path: "scales[1].name", rule: "must differ from the other scales' names", got: "8/1" },
  ]);
});

test("a wrong source type, a missing path and a setting of another variant are reported by path", () => {
  const err = problemsOf("source:\n  type: ftp\nsink:\n  type: file\nstore: none\n");
  assert.deepEqual(err.problems.map((p) => p.path).sort(), ["sink.path", "source.type"]);
  assert.match(err.message, /p\.yaml:2: source\.type: must be one of file, stdin, http, demo, kafka, got "ftp"/);
  assert.match(err.message, /p\.yaml:4: sink\.path: is required/);
  const other = problemsOf("source:\n  type: stdin\n  follow: true\n");
  assert.match(other.message, /p\.yaml:3: source\.follow: applies to type file, not stdin/);
});

test("config validate rejects an invalid http.host and accepts addresses and names", () => {
  for (const host of ["not a host", "999.1.1.1", "-bad.example", "a..b"]) {
    const err = problemsOf(`http:\n  host: "${host}"\n`);
    assert.equal(err.problems[0].path, "http.host", host);
    assert.match(err.problems[0].rule, /IP address .* or a host name/);
  }
  for (const host of ["127.0.0.1", "0.0.0.0", "::", "::1", "localhost", "tda-0.tda.svc.cluster.local"]) {
    assert.equal(parseConfigText(`http:\n  host: "${host}"\n`).http.host, host);
  }
});

test("YAML syntax errors carry their line", () => {
  const err = problemsOf("source:\n  type: file\n   path: [unclosed\n");
  assert.ok(err.problems[0].line !== undefined && err.problems[0].line >= 2, err.message);
  assert.match(err.message, /YAML/);
});

test("layers: the file, then the environment, then the flags", () => {
  const file = configFile("layers.yaml", GOOD);
  const config = pipelineConfigFromArgs(
    ["--config", file, "--source", "http", "--sink", "stdout", "--window", "64", "--slide", "1", "--max-dim", "2", "--embed", "3,2", "--port", "0", "--store", "none", "--host", "0.0.0.0"],
    runSpec,
    {},
    { STREAMING_TDA_RUNNER_WORKERS: "0", STREAMING_TDA_HTTP_PORT: "7000", LOG_LEVEL: "WARN" },
  )!;
  assert.deepEqual(config.source, { type: "http" });
  assert.deepEqual(config.sink, { type: "stdout" });
  assert.deepEqual(config.stream.scales, [{ size: 64, slide: 1 }]);
  assert.equal(config.stream.maxDim, 2);
  assert.deepEqual(config.stream.embedding, { dimension: 3, delay: 2 });
  assert.equal(config.http.port, 0, "a flag beats the environment");
  assert.equal(config.http.host, "0.0.0.0");
  assert.equal(config.runner.workers, 0, "the environment beats the file");
  assert.equal(config.log.level, "warn");
  const lists = pipelineConfigFromArgs([], runSpec, {}, { STREAMING_TDA_STREAM_FEATURES: "count, entropy", STREAMING_TDA_STREAM_TRACKING_DIMS: "0,1" })!;
  assert.deepEqual(lists.stream.features, ["count", "entropy"], "a list from the environment, with commas");
  assert.deepEqual(lists.stream.tracking!.dims, [0, 1]);
  const badList = thrown(() => pipelineConfigFromArgs([], runSpec, {}, { STREAMING_TDA_STREAM_TRACKING_DIMS: "1,x" }));
  assert.match(badList.message, /^STREAMING_TDA_STREAM_TRACKING_DIMS: stream\.tracking\.dims\[1\]: must be an integer ≥ 0, got "x"$/);
  assert.equal(config.store, null);
  const time = pipelineConfigFromArgs(["--window", "10s", "--slide", "1s"], runSpec, {}, {})!;
  assert.deepEqual(time.stream.scales, [{ durationMs: 10_000, slideMs: 1000 }]);
  const slideOnly = pipelineConfigFromArgs(["--config", file, "--slide", "2"], runSpec, {}, {})!;
  assert.deepEqual(slideOnly.stream.scales, [{ size: 128, slide: 2 }], "--slide alone keeps the file's window");
  const demo = pipelineConfigFromArgs(["--source", "demo"], runSpec, {}, {})!;
  assert.deepEqual(demo.source, { type: "demo", keys: 64, rate: 2000, seed: 1 });
});

test("flag and environment problems name the flag or variable, the setting and the rule", () => {
  const flags = thrown(() => pipelineConfigFromArgs(["--window", "-5", "--workers", "99", "--format", "xml"], runSpec, {}, {}));
  assert.equal(flags.exitCode, 2, "flags alone: a usage error");
  assert.deepEqual(
    flags.message.split("\n").sort(),
    [
      "--format: source.format: must be one of json, csv, auto, got \"xml\"",
      "--window: stream.scales[0].size: must be an integer ≥ 1, got -5",
      "--workers: runner.workers: must be an integer from 0 to 64, got 99",
    ],
  );
  const env = thrown(() => pipelineConfigFromArgs([], runSpec, {}, { LOG_LEVEL: "loud", STREAMING_TDA_HTTP_HOST: "a b" }));
  assert.equal(env.exitCode, 78);
  assert.match(env.message, /^LOG_LEVEL: log\.level: must be one of debug, info, warn, error, got "loud"$/m);
  assert.match(env.message, /^STREAMING_TDA_HTTP_HOST: http\.host: must be an IP address/m);
  assert.throws(() => pipelineConfigFromArgs(["--embed", "3"], runSpec, {}, {}), new UsageError("--embed 3: expected DIM,DELAY, like --embed 3,2"));
  assert.throws(() => pipelineConfigFromArgs(["--source", "ftp:x"], runSpec, {}, {}), /--source ftp:x: expected file:PATH/);
  assert.throws(() => pipelineConfigFromArgs(["--checkpoint-interval", "100"], runSpec, {}, {}), /needs a store/);
  const file = thrown(() => resolvePipelineConfig({ file: configFile("bad-port.yaml", "http:\n  port: 70000\n"), env: {} }));
  assert.match(file.message, /bad-port\.yaml:2: http\.port: must be an integer from 0 to 65535, got 70000$/);
});

test("streaming-tda run: --window -5 and an unknown LOG_LEVEL give the rule, not a parser complaint", () => {
  const window = cli(["run", "--window", "-5"]);
  assert.equal(window.code, 2);
  assert.equal(window.stderr, "streaming-tda: --window: stream.scales[0].size: must be an integer ≥ 1, got -5\n");
  const level = cli(["run", "--port", "none"], "", { LOG_LEVEL: "verbose" });
  assert.equal(level.code, 78);
  assert.equal(level.stderr, 'streaming-tda: LOG_LEVEL: log.level: must be one of debug, info, warn, error, got "verbose"\n');
});

test("streaming-tda config validate: exit 0 and 'ok', or exit 1 with one line per problem", () => {
  const good = configFile("good.yaml", GOOD);
  const ok = cli(["config", "validate", good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, `${good}: ok\n`);
  const bad = configFile("bad.yaml", GOOD.replace("maxDim: 1", "maxDim: -1\n  maxKeys: 0").replace("port: 9090", "port: 9090\n  host: 10.0.0.300"));
  const failed = cli(["config", "validate", bad]);
  assert.equal(failed.code, 1);
  assert.deepEqual(failed.stderr.trimEnd().split("\n"), [
    `${bad}:13: http.host: must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name, got "10.0.0.300"`,
    `${bad}:20: stream.maxDim: must be an integer from 0 to 8, got -1`,
    `${bad}:21: stream.maxKeys: must be an integer ≥ 1, got 0`,
  ]);
  const missing = cli(["config", "validate", join(dir, "nope.yaml")]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `${join(dir, "nope.yaml")}: (top): cannot read the config file: ENOENT\n`);
});

test("the stream layer's schema stands alone: library callers get every problem in one error", () => {
  const { problems } = checkSettings(STREAM_SETTINGS, { scales: [], maxDim: "2" });
  assert.deepEqual(problems, [
    { path: "scales", rule: "must list at least 1", got: [] },
    { path: "maxDim", rule: "must be an integer from 0 to 8", got: "2" },
  ]);
});

test("config/pipeline.example.yaml validates, and shows every setting of the schema", () => {
  const path = new URL("../config/pipeline.example.yaml", import.meta.url).pathname;
  assert.doesNotThrow(() => resolvePipelineConfig({ file: path }));
  const text = readFileSync(path, "utf8");
  for (const [setting] of textSettings(PIPELINE_SETTINGS)) {
    const name = setting.split(".").pop()!;
    assert.match(text, new RegExp(`\\b${name}:`), `${setting} is shown`);
  }
});

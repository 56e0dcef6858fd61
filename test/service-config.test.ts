import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, parseConfigText } from "../src/service/config/config.ts";
import { applyFlags, parsePipelineFlags } from "../src/service/cli/run-flags.ts";

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

test("a good config reads with its defaults filled in", () => {
  const config = parseConfigText(GOOD, "good.yaml");
  assert.deepEqual(config.source, { type: "file", path: "events.jsonl", format: undefined, follow: false });
  assert.equal(config.store?.checkpointIntervalMs, 1000);
  assert.equal(config.http.port, 9090);
  assert.equal(config.http.enabled, true);
  assert.deepEqual(config.stream.scales, [{ size: 128, slide: 8 }]);
});

function problemsOf(text: string): ConfigError {
  try {
    parseConfigText(text, "p.yaml");
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail("expected a ConfigError");
}

test("errors name the path, the line and the problem, all of them at once", () => {
  const err = problemsOf(GOOD.replace("slide: 8", "slide: 0").replace("port: 9090", 'port: "x"').replace("workers: 2", "wrokers: 2"));
  const byPath = new Map(err.problems.map((p) => [p.path, p]));
  assert.ok(byPath.has("http.port"), err.message);
  assert.match(byPath.get("http.port")!.message, /integer/);
  assert.equal(byPath.get("http.port")!.line, 12);
  assert.ok(byPath.has("runner.wrokers"), err.message);
  assert.equal(byPath.get("runner.wrokers")!.message, 'unknown setting (did you mean "workers"?)');
  assert.equal(byPath.get("runner.wrokers")!.line, 14);
  assert.match(err.message, /^p\.yaml:12: http\.port: /m);
  // The stream section is checked by the stream layer; its field comes back as a path.
  const stream = problemsOf(GOOD.replace("slide: 8", "slide: 0"));
  assert.equal(stream.problems.length, 1);
  assert.match(stream.problems[0].path, /^stream\.scales\[0\]/);
  assert.equal(stream.problems[0].line, 18);
});

test("a wrong source type and a missing path are reported by path", () => {
  const err = problemsOf("source:\n  type: ftp\nsink:\n  type: file\n");
  const paths = err.problems.map((p) => p.path).sort();
  assert.deepEqual(paths, ["sink.path", "source.type"]);
  assert.match(err.message, /p\.yaml:2: source\.type: must be one of file, stdin, http, demo, got "ftp"/);
});

test("YAML syntax errors carry their line", () => {
  const err = problemsOf("source:\n  type: file\n   path: [unclosed\n");
  assert.ok(err.problems[0].line !== undefined && err.problems[0].line >= 2, err.message);
  assert.match(err.message, /YAML/);
});

test("flags override the config", () => {
  const config = parseConfigText(GOOD, "good.yaml");
  const flags = parsePipelineFlags(["--source", "http", "--sink", "stdout", "--window", "64", "--slide", "1", "--max-dim", "2", "--embed", "3,2", "--port", "0", "--store", "none"]);
  const merged = applyFlags(config, flags);
  assert.deepEqual(merged.source, { type: "http" });
  assert.deepEqual(merged.sink, { type: "stdout" });
  assert.deepEqual(merged.stream.scales, [{ size: 64, slide: 1 }]);
  assert.equal(merged.stream.maxDim, 2);
  assert.deepEqual(merged.stream.embedding, { dimension: 3, delay: 2 });
  assert.equal(merged.http.port, 0);
  assert.equal(merged.store, null);
  const time = applyFlags(config, parsePipelineFlags(["--window", "10s", "--slide", "1s"]));
  assert.deepEqual(time.stream.scales, [{ durationMs: 10_000, slideMs: 1000 }]);
  assert.throws(() => applyFlags(config, parsePipelineFlags(["--embed", "3"])), /--embed 3: expected DIM,DELAY/);
  assert.throws(() => applyFlags(config, parsePipelineFlags(["--source", "ftp:x"])), /--source ftp:x/);
});

test("streaming-tda config validate: exit 0 and 'ok', or exit 1 with one line per problem", () => {
  const dir = mkdtempSync(join(tmpdir(), "stda-config-"));
  const good = join(dir, "good.yaml");
  const bad = join(dir, "bad.yaml");
  writeFileSync(good, GOOD);
  writeFileSync(bad, GOOD.replace("maxDim: 1", "maxDim: -1"));
  const cli = (file: string) =>
    spawnSync(
      process.execPath,
      ["--input-type=module", "-e", "import { run } from './src/service/cli/config.ts'; process.exitCode = await run(process.argv.slice(1));", "--", "validate", file],
      { encoding: "utf8" },
    );
  const ok = cli(good);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), `${good}: ok`);
  const failed = cli(bad);
  assert.equal(failed.status, 1);
  assert.match(failed.stderr.trim(), new RegExp(`^${bad.replace(/[.]/g, "\\.")}:19: stream\\.maxDim: -1 must`));
  assert.equal(failed.stderr.trim().split("\n").length, 1);
});

/**
 * docs/RUNBOOK.md: every `streaming-tda` command in its code blocks parses. Each is run with
 * --help right after the command name (the options after it are still checked, nothing is
 * done); the operations commands are also parsed in full against their specs, positional
 * arguments included. Every operations command appears in the runbook.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs, type CommandSpec } from "../src/service/cli/args.ts";
import { cli } from "./helpers/cli.ts";
import { readText } from "./helpers/deploy.ts";

const OPS_COMMANDS = ["backup", "restore", "preflight", "validate-deployment", "capacity"];

/** Words of a shell command line: quotes removed, $(…) and $VAR standing for one word. */
function shellWords(line: string): string[] {
  const text = line.replace(/\$\([^)]*\)/g, "X").replace(/\$\{?\w+\}?/g, "X");
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]).map((w) => w.replace(/"/g, ""));
}

/** `streaming-tda …` invocations in the runbook's code blocks, at the start of a line or after `--`. */
function runbookCommands(): string[][] {
  const commands: string[][] = [];
  let fenced = false;
  let pending = "";
  for (const raw of readText("docs/RUNBOOK.md").split("\n")) {
    if (raw.startsWith("```")) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) continue;
    const line = pending + raw;
    if (line.endsWith("\\")) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = "";
    const m = /(?:^|\s--\s)streaming-tda\s+(.*)$/.exec(line.replace(/\s+#.*$/, ""));
    if (m) commands.push(shellWords(m[1]));
  }
  return commands;
}

const commands = runbookCommands();

test("the runbook has the operations commands", () => {
  const names = new Set(commands.map((c) => c[0]));
  for (const name of [...OPS_COMMANDS, "config"]) assert.ok(names.has(name), `no streaming-tda ${name} in docs/RUNBOOK.md`);
  assert.ok(commands.length >= 12, `${commands.length} commands found`);
});

test("every streaming-tda command of the runbook parses", () => {
  for (const [name, ...rest] of commands) {
    const r = cli([name, "--help", ...rest]);
    assert.equal(r.code, 0, `streaming-tda ${[name, ...rest].join(" ")}: ${r.stderr}`);
    assert.match(r.stdout, /^usage: streaming-tda /im, `streaming-tda ${name} --help printed no usage`);
  }
});

test("the operations commands of the runbook parse in full against their specs", async () => {
  for (const [name, ...rest] of commands.filter((c) => OPS_COMMANDS.includes(c[0]))) {
    const { spec } = (await import(`../src/ops/commands/${name}.ts`)) as { spec: CommandSpec };
    assert.doesNotThrow(() => parseArgs(rest, spec), `streaming-tda ${name} ${rest.join(" ")}`);
  }
});

test("the extraction sees through quotes, substitutions and `kubectl exec … --`", () => {
  assert.deepEqual(shellWords('backup --out "/b/x-$(date +%s).tdab" --key-file $KEY'), ["backup", "--out", "/b/x-X.tdab", "--key-file", "X"]);
  assert.ok(commands.some((c) => c[0] === "backup" && c.includes("/var/lib/streaming-tda/backup.tdab")), "the kubectl exec line");
});

/** The runbook's section from its heading to the next of the same level. */
function section(heading: string): string {
  const text = readText("docs/RUNBOOK.md");
  const start = text.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `no ${heading} in docs/RUNBOOK.md`);
  const level = heading.split(" ")[0];
  const end = text.indexOf(`\n${level} `, start + heading.length + 2);
  return text.slice(start, end < 0 ? undefined : end).replace(/\s+/g, " ");
}

test("disaster recovery covers Redis state and Kafka offsets: the commands, and the refusals as the code words them", () => {
  const dr = section("## Disaster recovery");
  const hasOption = (c: string[], name: string, value?: RegExp) => c.some((w, i) => w === name && (value === undefined || value.test(c[i + 1] ?? "")));
  assert.ok(commands.some((c) => c[0] === "backup" && hasOption(c, "--store", /^redis:\/\//)), "a backup of a Redis store by URL");
  const restores = commands.filter((c) => c[0] === "restore" && hasOption(c, "--config"));
  assert.ok(restores.some((c) => !c.includes("--force")) && restores.some((c) => c.includes("--force")), "restores into the config's Redis and group, into an empty Redis and over existing state");
  // Each message the runbook quotes is one the code gives.
  const code = ["src/ops/backup/partitioned-restore.ts", "src/ops/backup/partitioned-backup.ts", "src/adapters/types.ts"].map((f) => readText(f)).join("\n");
  for (const quoted of [
    "with members: stop every instance",
    "restoring would skip records",
    "is beyond the end of topic",
    "of the archive's partitions",
    "give --force to replace it",
    "was replaced by epoch",
    "holds no checkpoint, so there is nothing to back up",
  ]) {
    assert.ok(dr.includes(quoted), `the runbook quotes "${quoted}"`);
    assert.ok(code.includes(quoted), `the code says "${quoted}"`);
  }
  for (const rule of ["Empty", "--force", "epoch", "merged by id", "committed offsets"]) assert.ok(dr.includes(rule), `the runbook explains ${rule}`);
});

/**
 * Help comes from each command's spec: `streaming-tda --help` lists every command with a
 * one-line description, and each command's own --help prints its usage and options.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { cli } from "./helpers/cli.ts";

function commandsOf(help: string): Array<[string, string]> {
  const table = help.slice(help.indexOf("Commands:\n") + "Commands:\n".length, help.indexOf("\n\n", help.indexOf("Commands:")));
  return table.split("\n").map((line) => {
    const m = /^ {2}([\w-]+) +(.*)$/.exec(line);
    assert.ok(m, `a command line: ${JSON.stringify(line)}`);
    return [m[1], m[2]];
  });
}

test("streaming-tda --help: every command with a one-line description, run and demo included", () => {
  const top = cli(["--help"]);
  assert.equal(top.code, 0, top.stderr);
  const commands = commandsOf(top.stdout);
  const names = commands.map(([name]) => name);
  for (const name of ["ph", "features", "embed", "plot", "distance", "run", "demo", "config"]) assert.ok(names.includes(name), name);
  for (const [name, summary] of commands) {
    assert.ok(summary.length > 10 && !summary.startsWith("(cannot load"), `${name}: ${summary}`);
  }
});

test("each command's --help: its usage, its options from the same spec, exit 0", () => {
  const names = commandsOf(cli(["--help"]).stdout).map(([name]) => name);
  for (const name of names) {
    const help = cli([name, "--help"]);
    assert.equal(help.code, 0, `${name}: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^Usage: streaming-tda ${name} `), name);
    assert.match(help.stdout, /\n {2}--help +print this help\n/, name);
  }
  assert.equal(cli(["help", "run"]).stdout, cli(["run", "--help"]).stdout, "help NAME is NAME --help");
  const run = cli(["run", "--help"]).stdout;
  for (const option of ["--config FILE", "--source SRC", "--window SIZE", "--host ADDR", "--port N|none", "--workers N"]) assert.ok(run.includes(option), option);
  assert.match(run, /--host ADDR +address to listen on .*\[http\.host, default 127\.0\.0\.1\]/);
  assert.match(cli(["demo", "--help"]).stdout, /--window SIZE/, "demo takes run's options");
});

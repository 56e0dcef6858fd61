import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real command, as a user would: `streaming-tda ARGS` with `input` on standard input. */
export function cli(args: string[], input?: string | Uint8Array, env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), ...args], {
    input,
    encoding: "utf8",
    cwd: root,
    env: { ...process.env, DEBUG: "", ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A failure as the CLI must report it: non-zero exit, one line naming the problem, no stack trace. */
export function assertOneLineFailure(result: CliResult, pattern: RegExp): void {
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got: ${result.stderr}`);
  assert.match(lines[0], /^streaming-tda: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at |TdaInputError|\.ts:\d+/);
}

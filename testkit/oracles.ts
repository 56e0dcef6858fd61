import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * The external programs tests and benchmarks compare against, and what a test does without them.
 *
 * - Not installed: the test is skipped, and says which tool and how to install it. With
 *   REQUIRE_ORACLES=1 (as `.ci/run` sets) it runs instead, and fails on the missing tool.
 * - Installed but failing (non-zero exit, a signal, output that does not parse): always a
 *   failure, with the tool's stderr. A broken oracle never gives a green run.
 */
export const REQUIRE_ORACLES = process.env.REQUIRE_ORACLES === "1";

export const RIPSER = "/usr/bin/ripser";
export const PYTHON = "/usr/bin/python3";

/** `ripser`: Debian's ripser 1.2.1. `gudhi`: /usr/bin/python3 with the gudhi and ot (POT) modules. */
export type Oracle = "ripser" | "gudhi";

const INSTALL: Record<Oracle, string> = {
  ripser: "apt-get install ripser",
  gudhi: "apt-get install python3-gudhi python3-pot",
};

const absence = new Map<Oracle, string | undefined>();

/** Why `oracle` is not installed, or undefined when it is. Looked up once per process. */
export function notInstalled(oracle: Oracle): string | undefined {
  if (!absence.has(oracle)) absence.set(oracle, lookUp(oracle));
  return absence.get(oracle);
}

function lookUp(oracle: Oracle): string | undefined {
  if (oracle === "ripser") return existsSync(RIPSER) ? undefined : `${RIPSER} not found`;
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ["-c", "import gudhi, ot"], { encoding: "utf8" });
  // Only a module that is absent counts as "not installed"; any other failure of the import
  // is a broken installation, which the test itself then reports as a failure.
  const missing = /ModuleNotFoundError: No module named '([^']+)'/.exec(probe.stderr ?? "");
  return missing ? `${PYTHON} has no module ${missing[1]}` : undefined;
}

/**
 * The `skip` option of a test that needs `oracle`: the reason when it is not installed, or
 * false (run) when it is, or when REQUIRE_ORACLES=1 makes its absence a failure.
 */
export function skipWithout(...oracles: Oracle[]): string | false {
  if (REQUIRE_ORACLES) return false;
  const missing = oracles.map((o) => [o, notInstalled(o)] as const).filter(([, why]) => why !== undefined);
  if (missing.length === 0) return false;
  return missing.map(([o, why]) => `oracle ${o} not installed: ${why} (${INSTALL[o]}; REQUIRE_ORACLES=1 makes this a failure)`).join("; ");
}

/** Runs `oracle` (ripser's arguments, or python's) and returns its stdout; throws, saying why, on any failure. */
export function runOracle(oracle: Oracle, args: string[], input?: string): string {
  const why = notInstalled(oracle);
  if (why !== undefined) throw new Error(`oracle ${oracle} is not installed: ${why} (${INSTALL[oracle]})`);
  const command = oracle === "ripser" ? RIPSER : PYTHON;
  const run = spawnSync(command, args, { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.error) throw new Error(`oracle ${oracle} could not run: ${run.error.message}`);
  if (run.status !== 0) {
    const how = run.signal ? `killed by ${run.signal}` : `exit code ${run.status}`;
    throw new Error(`oracle ${oracle} failed (${how}): ${command} ${describeArgs(args)}\n${run.stderr.trimEnd()}`);
  }
  return run.stdout;
}

/** Runs a Python oracle script that prints one JSON value, and parses it. */
export function runPythonOracle<T>(script: string, input: unknown): T {
  const out = runOracle("gudhi", ["-c", script], JSON.stringify(input));
  try {
    return JSON.parse(out) as T;
  } catch (err) {
    throw new Error(`oracle gudhi printed output that is not JSON (${(err as Error).message}): ${out.slice(0, 300)}`);
  }
}

/** A script's text is long: name it by its first line. */
function describeArgs(args: string[]): string {
  return args.map((a) => (a.includes("\n") ? `'${a.trim().split("\n")[0]} …'` : a)).join(" ");
}

/**
 * `compute` run at most once, on first use (inside a test, so a failure fails that test
 * rather than the file's loading); its error, too, is kept and thrown to every caller.
 */
export function once<T>(compute: () => T): () => T {
  let outcome: { value: T } | { error: unknown } | undefined;
  return () => {
    if (outcome === undefined) {
      try {
        outcome = { value: compute() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  };
}

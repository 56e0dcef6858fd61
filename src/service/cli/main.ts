import { readFileSync } from "node:fs";
import process from "node:process";
import { TdaInputError } from "../../tda/types.ts";
import { CliError, UsageError, type CommandSpec } from "./args.ts";
import { ConfigError, describeProblem } from "../config/config.ts";

/** What a command module exports: its spec (summary, options, help) and `run`, which returns the exit code. */
export interface CommandModule {
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
}

/**
 * Subcommands, loaded only when used so that each starts fast. A new command is a module
 * exporting `spec` and `run`, and one line here.
 */
const commands: Record<string, () => Promise<CommandModule>> = {
  ph: () => import("./ph.ts"),
  features: () => import("./features.ts"),
  embed: () => import("./embed.ts"),
  plot: () => import("./plot.ts"),
  distance: () => import("./distance.ts"),
  run: () => import("./run.ts"),
  demo: () => import("./demo.ts"),
  config: () => import("./config.ts"),
};

/**
 * Adds commands of the layer above (src/ops), which this layer may not import: the program's
 * entry point (src/cli.ts) registers them before it runs.
 */
export function addCommands(more: Record<string, () => Promise<CommandModule>>): void {
  Object.assign(commands, more);
}

const EX_SOFTWARE = 70;

/** Runs `streaming-tda <argv>` and returns its exit code; errors meant for users are thrown. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(await topLevelHelp());
    return 2;
  }
  if (name === "help" && rest.length > 0) return main([rest[0], "--help"]);
  if (name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(await topLevelHelp());
    return 0;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    const what = name.startsWith("-") ? `unknown option ${name}` : `unknown command "${name}"`;
    throw new UsageError(`${what}; commands: ${Object.keys(commands).join(", ")} (see streaming-tda --help)`);
  }
  const command = await load();
  return command.run(rest);
}

/**
 * The process entry point: runs `main`, prints an expected error as one line
 * `streaming-tda: <message>` and sets the exit code. Anything else is a bug: one line too,
 * and the stack only with DEBUG=1.
 */
export async function runFromCommandLine(argv = process.argv.slice(2)): Promise<void> {
  // `streaming-tda ph … | head` closes stdout early; that is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}

function reportError(error: unknown): number {
  const { text, exitCode } = describeError(error, process.env.DEBUG === "1");
  process.stderr.write(text);
  return exitCode;
}

/**
 * What the CLI prints for an error and the exit code: one line `streaming-tda: <message>`;
 * the stack follows only with `debug` (DEBUG=1). Errors that are not the user's input or
 * command line are bugs: "internal error", exit 70.
 */
export function describeError(error: unknown, debug: boolean): { text: string; exitCode: number } {
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : "";
  // Every config problem on a line of its own.
  if (error instanceof ConfigError) return { text: error.problems.map((p) => oneLine(describeProblem(p))).join("") + stack, exitCode: error.exitCode };
  if (error instanceof CliError || error instanceof TdaInputError) {
    return { text: oneLine(error.message) + stack, exitCode: error instanceof CliError ? error.exitCode : 1 };
  }
  const message = error instanceof Error ? error.message : String(error);
  // A typed array too large to allocate is the input's size, not a bug.
  if (error instanceof RangeError && /allocation failed|invalid (typed )?array length/i.test(message)) {
    return { text: oneLine(`not enough memory for this problem (${message}): use fewer points, a lower --dim or a --threshold`) + stack, exitCode: 1 };
  }
  return { text: oneLine(`internal error: ${message}${debug ? "" : " (run with DEBUG=1 for details)"}`) + stack, exitCode: EX_SOFTWARE };
}

function oneLine(message: string): string {
  return `streaming-tda: ${message.replace(/\s*\n\s*/g, " ")}\n`;
}

async function topLevelHelp(): Promise<string> {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const lines = ["Usage: streaming-tda <command> [options]", "", "Topological data analysis on live streams.", "", "Commands:"];
  for (const name of names) {
    // A command that fails to load still gets listed; running it shows why.
    const summary = await commands[name]().then(
      (m) => m.spec.summary,
      (err: Error) => `(cannot load: ${err.message})`,
    );
    lines.push(`  ${name.padEnd(width)}${summary}`);
  }
  lines.push("", "Run streaming-tda <command> --help for a command's options.", "");
  return lines.join("\n");
}

function packageVersion(): string {
  // The package root is three levels above both src/service/cli and dist/service/cli.
  const manifest = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}

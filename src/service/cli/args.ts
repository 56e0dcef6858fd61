/**
 * The one command parser, shared by every command.
 *
 * A command describes itself with a `CommandSpec`: a one-line summary for `streaming-tda
 * --help`, its usage, options and notes, from which its own `--help` is printed. node:util's
 * `parseArgs` splits the command line into tokens (`--name value`, `--name=value`, `-h`, `--`);
 * the spec then decides what each means, so that a value may start with a dash
 * (`--window -5` reaches the range check instead of failing as "ambiguous") and every
 * complaint names the command and the option. The `read…` helpers turn option text into
 * checked values with messages that name the option.
 */
import { parseArgs as tokenize } from "node:util";

/** An error the CLI prints as one line, `streaming-tda: <message>`, exiting with `exitCode`. */
export class CliError extends Error {
  override name = "CliError";
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A command line that does not make sense: exit code 2, as is customary. */
export class UsageError extends CliError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, 2);
  }
}

export interface OptionSpec {
  /** Long name without dashes: `dim` for `--dim`. */
  name: string;
  /** Placeholder of the value (`K`); absent for a flag that takes none. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One line for `streaming-tda --help`. */
  summary: string;
  /** What the command does, at the top of its own `--help` (default: the summary). */
  description?: string;
  /** What follows the command name in the usage line, e.g. `[FILE|-] [options]`. */
  usage: string;
  options: OptionSpec[];
  /** Most positional arguments accepted (default 0). */
  maxPositionals?: number;
  /** Paragraphs printed after the options in `--help`. */
  notes?: string[];
}

export interface ParsedArgs {
  /** Option values by name; flags map to `true`. A repeated option keeps its last value. */
  options: Map<string, string | true>;
  positionals: string[];
  /** `--help` or `-h` was given: print `formatHelp(spec)` and do nothing else. */
  help: boolean;
}

export function parseArgs(argv: string[], spec: CommandSpec): ParsedArgs {
  const valued = Object.fromEntries(spec.options.map((o) => [o.name, { type: o.value === undefined ? "boolean" : "string" } as const]));
  const { tokens } = tokenize({ args: argv, options: { ...valued, help: { type: "boolean", short: "h" } }, strict: false, allowPositionals: true, tokens: true });
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (token.name === "help") {
      help = true;
      continue;
    }
    const option = token.rawName.startsWith("--") ? spec.options.find((o) => o.name === token.name) : undefined;
    if (!option) throw new UsageError(`${spec.name}: unknown option ${token.rawName} (see streaming-tda ${spec.name} --help)`);
    if (option.value === undefined) {
      if (token.value !== undefined) throw new UsageError(`${spec.name}: option --${option.name} takes no value`);
      options.set(option.name, true);
    } else {
      if (token.value === undefined) throw new UsageError(`${spec.name}: option --${option.name} needs a value ${option.value}`);
      options.set(option.name, token.value);
    }
  }
  const most = spec.maxPositionals ?? 0;
  if (!help && positionals.length > most) {
    const extra = positionals[most];
    throw new UsageError(most === 0 ? `${spec.name}: unexpected argument "${extra}"` : `${spec.name}: unexpected argument "${extra}" (at most ${most} expected)`);
  }
  return { options, positionals, help };
}

/** `parseArgs`, except that `--help` prints the command's help and gives null: the command then exits 0. */
export function parseOrHelp(argv: string[], spec: CommandSpec): ParsedArgs | null {
  const args = parseArgs(argv, spec);
  if (!args.help) return args;
  process.stdout.write(formatHelp(spec));
  return null;
}

export function formatHelp(spec: CommandSpec): string {
  const labels = spec.options.map((o) => `--${o.name}${o.value ? ` ${o.value}` : ""}`);
  labels.push("--help");
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const helps = [...spec.options.map((o) => o.help), "print this help"];
  const lines = [`Usage: streaming-tda ${spec.name} ${spec.usage}`, "", ...wrap(spec.description ?? spec.summary, 88), "", "Options:"];
  labels.forEach((label, k) => lines.push(`  ${label.padEnd(width)}${helps[k]}`));
  for (const note of spec.notes ?? []) lines.push("", ...wrap(note, 88));
  return lines.join("\n") + "\n";
}

/** Splits a paragraph into lines of at most `width` characters, at spaces. */
function wrap(paragraph: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of paragraph.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The option's text, if given; a flag given as an option with a value is a usage error. */
export function optionText(args: ParsedArgs, spec: CommandSpec, name: string): string | undefined {
  const value = args.options.get(name);
  if (value === true) throw new UsageError(`${spec.name}: option --${name} needs a value`);
  return value;
}

/** An integer option within [min, max]. */
export function readInteger(args: ParsedArgs, spec: CommandSpec, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = optionText(args, spec, name);
  if (raw === undefined) return fallback;
  const value = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${spec.name}: --${name} must be an integer, not "${raw}"`);
  if (value < min || value > max) {
    throw new UsageError(`${spec.name}: --${name} must be ${max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`}, not ${value}`);
  }
  return value;
}

/** A number option of at least `min`; `inf` is accepted when `allowInfinity`. */
export function readNumber(args: ParsedArgs, spec: CommandSpec, name: string, min: number, allowInfinity = false): number | undefined {
  const raw = optionText(args, spec, name);
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (allowInfinity && /^\+?(inf|infinity)$/i.test(trimmed)) return Infinity;
  const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isFinite(value)) throw new UsageError(`${spec.name}: --${name} must be a number${allowInfinity ? " or inf" : ""}, not "${raw}"`);
  if (value < min) throw new UsageError(`${spec.name}: --${name} must be at least ${min}, not ${value}`);
  return value;
}

/** One of `choices`; `resolve` may map other spellings (abbreviations) to a choice. */
export function readChoice<T extends string>(
  args: ParsedArgs,
  spec: CommandSpec,
  name: string,
  choices: readonly T[],
  fallback: T,
  resolve: (raw: string) => T | undefined = (raw) => choices.find((c) => c === raw),
): T {
  const raw = optionText(args, spec, name);
  if (raw === undefined) return fallback;
  const value = resolve(raw);
  if (value === undefined) throw new UsageError(`${spec.name}: --${name} must be one of ${choices.join(", ")}; not "${raw}"`);
  return value;
}

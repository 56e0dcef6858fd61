import { ConfigError, describeProblem, loadConfigFile } from "../config/config.ts";
import { parseOrHelp, UsageError, type CommandSpec } from "./args.ts";

export const spec: CommandSpec = {
  name: "config",
  summary: "check a pipeline config: config validate FILE",
  description: "Checks a pipeline config against the schema: every setting's type, bounds and the rules between them.",
  usage: "validate FILE",
  maxPositionals: 2,
  options: [],
  notes: ['Prints "FILE: ok" and exits 0, or prints one line per problem (FILE:LINE: path: rule, got value) on stderr and exits 1.'],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const [action, file] = args.positionals;
  if (action !== "validate") {
    throw new UsageError(action === undefined ? "config: give an action: config validate FILE" : `config ${action}: unknown action; the one action is "validate FILE"`);
  }
  if (file === undefined) throw new UsageError("config validate: give the config file to check");
  try {
    loadConfigFile(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(err.problems.map((p) => `${describeProblem(p)}\n`).join(""));
    return 1;
  }
  process.stdout.write(`${file}: ok\n`);
  return 0;
}

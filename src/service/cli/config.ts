import { loadConfigFile } from "../config/config.ts";
import { TdaInputError } from "../../tda/types.ts";

const USAGE = `usage: streaming-tda config validate FILE

Checks a pipeline config against the schema. Prints "FILE: ok" and exits 0, or prints one
line per problem (FILE:LINE: path: problem) on stderr and exits 1.`;

export const summary = "check a pipeline config: config validate FILE";

export async function run(argv: string[]): Promise<number> {
  const [action, file, ...rest] = argv;
  if (action === "--help" || action === "-h" || action === undefined) {
    process.stdout.write(USAGE + "\n");
    return action === undefined ? 2 : 0;
  }
  if (action !== "validate") throw new TdaInputError(`config ${action}: unknown action; the one action is "validate FILE"`);
  if (!file || rest.length > 0) throw new TdaInputError("usage: streaming-tda config validate FILE");
  try {
    loadConfigFile(file);
  } catch (err) {
    if (!(err instanceof TdaInputError)) throw err;
    process.stderr.write(err.message + "\n");
    return 1;
  }
  process.stdout.write(`${file}: ok\n`);
  return 0;
}

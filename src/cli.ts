/**
 * The `streaming-tda` program: the service's commands (src/service/cli) and the operations
 * commands (src/ops) in one table. It sits above every layer, so that each layer only
 * imports downward.
 */
import { OPERATIONS_COMMANDS } from "./ops/commands/index.ts";
import { addCommands, runFromCommandLine as runService } from "./service/cli/main.ts";

addCommands(OPERATIONS_COMMANDS);

export function runFromCommandLine(argv = process.argv.slice(2)): Promise<void> {
  return runService(argv);
}

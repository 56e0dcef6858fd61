import type { CommandModule } from "../../service/cli/main.ts";

/** The operations commands, loaded like every command, only when used. */
export const OPERATIONS_COMMANDS: Record<string, () => Promise<CommandModule>> = {
  backup: () => import("./backup.ts"),
  restore: () => import("./restore.ts"),
  preflight: () => import("./preflight.ts"),
  "validate-deployment": () => import("./validate-deployment.ts"),
  capacity: () => import("./capacity.ts"),
};

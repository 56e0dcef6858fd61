import { optionText, parseOrHelp, readNumber, type CommandSpec } from "../../service/cli/args.ts";
import { formatCheck, runPreflight } from "../preflight/preflight.ts";

export const spec: CommandSpec = {
  name: "preflight",
  summary: "pre-deployment checks: CPUs, memory, disk, config, port, store, network services",
  usage: "[--config FILE] [options]",
  options: [
    { name: "config", value: "FILE", help: "the pipeline config to deploy (default: run's defaults)" },
    { name: "min-memory-gb", value: "N", help: "free memory wanted (1)" },
    { name: "min-disk-gb", value: "N", help: "free disk wanted where the store lives (1)" },
  ],
  notes: ["Prints one line per check (ok, warn or FAIL) and exits 1 if any failed."],
};

export async function run(argv: string[]): Promise<number> {
  const args = parseOrHelp(argv, spec);
  if (args === null) return 0;
  const results = await runPreflight({
    configPath: optionText(args, spec, "config"),
    minMemoryBytes: (readNumber(args, spec, "min-memory-gb", 0) ?? 1) * 2 ** 30,
    minDiskBytes: (readNumber(args, spec, "min-disk-gb", 0) ?? 1) * 2 ** 30,
  });
  for (const r of results) process.stdout.write(formatCheck(r) + "\n");
  const failed = results.filter((r) => r.status === "FAIL").length;
  process.stdout.write(failed === 0 ? "preflight: all checks passed\n" : `preflight: ${failed} check${failed === 1 ? "" : "s"} failed\n`);
  return failed === 0 ? 0 : 1;
}

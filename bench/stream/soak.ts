import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * Runs the S2 soak (soak-process.ts) in a process of its own, so its RSS is the soak
 * pipeline's and not what the workloads before it left in this one's heap and allocator.
 */
export async function soakInFreshProcess(rate: number, seconds: number): Promise<{ rssStartMb: number; rssEndMb: number }> {
  // The main thread's young generation capped as docs/service.md (Memory) says to run the service.
  const entry = fileURLToPath(new URL("./soak-process.ts", import.meta.url));
  const child = spawn(process.execPath, ["--min-semi-space-size=16", "--max-semi-space-size=16", entry, `--soak-rate=${rate}`, `--soak-seconds=${seconds}`], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const last = output.trim().split("\n").pop() ?? "";
  if (code !== 0 || !last.startsWith("{")) throw new Error(`the soak process failed (exit ${code}): ${output.slice(-500)}`);
  return JSON.parse(last) as { rssStartMb: number; rssEndMb: number };
}

import { ConfigError, describeProblem, resolvePipelineConfig, type PipelineConfig } from "../../service/config/config.ts";
import { checkCpus, checkDisk, checkMemory, checkPort, checkStore, type CheckResult } from "./checks.ts";

export interface PreflightOptions {
  /** The pipeline config to check; without one, the defaults `run` would use. */
  configPath?: string;
  minMemoryBytes: number;
  minDiskBytes: number;
}

/**
 * The pre-deployment checks of the runbook, in order: CPUs, memory, the config, disk and
 * store where the config keeps state, the HTTP port, and each network service the config
 * names. A check that cannot run because an earlier one failed (no config) is reported as
 * failed too, so the list always says what was not verified.
 */
export async function runPreflight(options: PreflightOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = [checkCpus(), checkMemory(options.minMemoryBytes)];
  let config: PipelineConfig;
  try {
    // As `run` would see it: the file (or the defaults), then the environment.
    config = resolvePipelineConfig({ file: options.configPath, env: process.env });
    const c = config;
    results.push({
      name: "config",
      status: "ok",
      detail: `${options.configPath ?? "(defaults)"}: valid; source ${c.source.type}, store ${c.store?.path ?? "none"}, http ${c.http.enabled ? `${c.http.host}:${c.http.port}` : "off"}`,
    });
  } catch (err) {
    const problems = err instanceof ConfigError ? err.problems.map(describeProblem).join("; ") : (err as Error).message;
    results.push({ name: "config", status: "FAIL", detail: problems });
    for (const name of ["disk", "store", "port"]) results.push({ name, status: "FAIL", detail: "not checked: the config does not load" });
    return results;
  }
  const statePath = config.store?.path ?? process.cwd() + "/.";
  results.push(checkDisk(statePath, options.minDiskBytes));
  results.push(config.store ? await checkStore(config.store.path) : { name: "store", status: "ok", detail: "none configured: no checkpoints, no history" });
  results.push(config.http.enabled ? await checkPort(config.http.host, config.http.port) : { name: "port", status: "ok", detail: "http disabled" });
  results.push({ name: "network", status: "ok", detail: `the config names no Kafka, Redis or S3 (source ${config.source.type}, embedded store)` });
  return results;
}

export function formatCheck(r: CheckResult): string {
  return `${r.status.padEnd(4)}  ${r.name.padEnd(9)} ${r.detail}`;
}

import { ConfigError, describeProblem, resolvePipelineConfig, type PipelineConfig } from "../../service/config/config.ts";
import { checkCpus, checkDisk, checkMemory, checkPort, checkReachable, checkStore, type CheckResult } from "./checks.ts";
import { isRedisPath } from "../../service/pipeline.ts";

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
  const redisStore = config.store ? isRedisPath(config.store.path) : false;
  const statePath = config.store && !redisStore ? config.store.path : process.cwd() + "/.";
  results.push(checkDisk(statePath, options.minDiskBytes));
  if (!config.store) results.push({ name: "store", status: "ok", detail: "none configured: no checkpoints, no history" });
  else if (redisStore) results.push({ name: "store", status: "ok", detail: `${config.store.path}: Redis, checked under network` });
  else results.push(await checkStore(config.store.path));
  results.push(config.http.enabled ? await checkPort(config.http.host, config.http.port) : { name: "port", status: "ok", detail: "http disabled" });
  const services = networkServices(config);
  if (services.length === 0) results.push({ name: "network", status: "ok", detail: `the config names no Kafka, Redis or S3 (source ${config.source.type}, embedded store)` });
  for (const s of services) results.push(s.target ? await checkReachable(s.name, s.target.host, s.target.port, NETWORK_TIMEOUT_MS) : { name: s.name, status: "FAIL", detail: s.problem });
  return results;
}

/** How long a configured service may take to accept a TCP connection. */
const NETWORK_TIMEOUT_MS = 3000;

interface NetworkService {
  name: string;
  target?: { host: string; port: number };
  problem: string;
}

/** Every Kafka broker, Redis and S3 endpoint the config names, as host and port. */
export function networkServices(config: PipelineConfig): NetworkService[] {
  const services: NetworkService[] = [];
  if (config.source.type === "kafka" || config.sink.type === "kafka") {
    for (const broker of config.kafka.brokers) services.push(hostPort("kafka", broker, 9092));
  }
  if (config.store && isRedisPath(config.store.path)) services.push(hostPort("redis", config.store.path, 6379));
  if (config.archive) {
    services.push(config.archive.endpoint ? hostPort("s3", config.archive.endpoint, 443) : hostPort("s3", `https://s3.${config.archive.region}.amazonaws.com`, 443));
  }
  return services;
}

/** host:port from a URL or a bare host:port, with the service's usual port when none is given. */
function hostPort(name: string, address: string, defaultPort: number): NetworkService {
  try {
    const url = new URL(address.includes("://") ? address : `tcp://${address}`);
    const port = url.port ? Number(url.port) : url.protocol === "http:" ? 80 : defaultPort;
    return { name, target: { host: url.hostname.replace(/^\[|\]$/g, ""), port }, problem: "" };
  } catch {
    return { name, problem: `${address}: not a host:port or URL` };
  }
}

export function formatCheck(r: CheckResult): string {
  return `${r.status.padEnd(4)}  ${r.name.padEnd(9)} ${r.detail}`;
}

import { accessSync, constants, existsSync, statfsSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { availableParallelism, freemem, totalmem } from "node:os";
import { dirname } from "node:path";
import { openStore } from "../backup/store-copy.ts";

export type CheckStatus = "ok" | "warn" | "FAIL";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
}

const GiB = 2 ** 30;

function gib(bytes: number): string {
  return `${(bytes / GiB).toFixed(1)} GiB`;
}

/** At least 2 CPUs (the main thread and one worker); fewer than 8 is small for production. */
export function checkCpus(cpus = availableParallelism()): CheckResult {
  if (cpus < 2) return { name: "cpus", status: "FAIL", detail: `${cpus} available; at least 2 needed (main thread and a worker)` };
  if (cpus < 8) return { name: "cpus", status: "warn", detail: `${cpus} available; the runbook's production size is 8 or more` };
  return { name: "cpus", status: "ok", detail: `${cpus} available` };
}

export function checkMemory(minBytes: number, free = freemem(), total = totalmem()): CheckResult {
  const detail = `${gib(free)} free of ${gib(total)}; at least ${gib(minBytes)} wanted`;
  return { name: "memory", status: free >= minBytes ? "ok" : "FAIL", detail };
}

/** Free space where the store lives (its nearest existing directory), and that it is writable. */
export function checkDisk(path: string, minBytes: number): CheckResult {
  let dir = dirname(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return { name: "disk", status: "FAIL", detail: `${dir} is not writable (the store ${path} goes there)` };
  }
  const detail = `${gib(free)} free in ${dir}; at least ${gib(minBytes)} wanted`;
  return { name: "disk", status: free >= minBytes ? "ok" : "FAIL", detail };
}

/** An existing store opens and answers (a new one is created at start, where the disk check found room). */
export async function checkStore(path: string): Promise<CheckResult> {
  if (!existsSync(path)) return { name: "store", status: "ok", detail: `${path}: new (no checkpoint yet)` };
  try {
    const store = openStore(path);
    try {
      const answers = await store.ping();
      return answers ? { name: "store", status: "ok", detail: `${path}: opens and answers` } : { name: "store", status: "FAIL", detail: `${path}: does not answer` };
    } finally {
      await store.close();
    }
  } catch (err) {
    return { name: "store", status: "FAIL", detail: `${path}: cannot open: ${(err as Error).message}` };
  }
}

/** The HTTP port can be bound on the configured host (nothing else listens there). */
export function checkPort(host: string, port: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRINUSE" ? "in use by another process" : err.code === "EACCES" ? "not permitted (a port under 1024 needs privileges)" : err.message;
      resolve({ name: "port", status: "FAIL", detail: `${host}:${port}: ${why}` });
    });
    server.listen(port, host, () => server.close(() => resolve({ name: "port", status: "ok", detail: `${host}:${port} is free` })));
  });
}

/** A TCP connection to host:port within the timeout. */
export function checkReachable(name: string, host: string, port: number, timeoutMs: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (status: CheckStatus, detail: string) => {
      socket.destroy();
      resolve({ name, status, detail: `${host}:${port} ${detail}` });
    };
    socket.setTimeout(timeoutMs, () => done("FAIL", `did not answer within ${timeoutMs} ms`));
    socket.once("connect", () => done("ok", "reachable"));
    socket.once("error", (err: NodeJS.ErrnoException) => done("FAIL", `unreachable: ${err.code ?? err.message}`));
  });
}

/**
 * Starts and stops the local servers from Node (tests, benchmarks) through the same shell
 * scripts a user runs: each server gets its own folder under one temporary directory, a
 * free port on 127.0.0.1, and is stopped by stop() (or, as a last resort, at process exit).
 */

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const scriptsDir = new URL(".", import.meta.url).pathname;

export type ServerName = "kafka" | "redis" | "s3";

const scriptOf: Record<ServerName, string> = {
  kafka: join(scriptsDir, "kafka.sh"),
  redis: join(scriptsDir, "redis.sh"),
  s3: join(scriptsDir, "s3proxy.sh"),
};

/** How long a start may take before it counts as failed: Kafka starts in ~5 s on an idle 2-core machine, and the script itself gives up after 120 s. */
const startTimeoutMs: Record<ServerName, number> = { kafka: 180_000, redis: 30_000, s3: 90_000 };

export interface LocalServer {
  readonly name: ServerName;
  /** "127.0.0.1:PORT" for Kafka, "redis://127.0.0.1:PORT", "http://127.0.0.1:PORT" for S3. */
  readonly address: string;
  readonly dir: string;
  /** The server's own process id (not a wrapper's). */
  pid(): number | undefined;
  /** Stops it (SIGTERM, or SIGKILL with `kill`); its data stays for a restart. */
  stop(kill?: boolean): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
}

/** The S3 credentials the local S3Proxy accepts. */
export const localS3Credentials = {
  accessKeyId: process.env.STREAMING_TDA_S3_ACCESS_KEY ?? "local-access-key",
  secretAccessKey: process.env.STREAMING_TDA_S3_SECRET_KEY ?? "local-secret-key",
};

function run(script: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [script, ...args], { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${script} ${args.join(" ")} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout.trim());
    });
  });
}

const running = new Set<LocalServer>();
process.on("exit", () => {
  // Last resort when a test run dies before its stop(): no server outlives it.
  for (const server of running) {
    const pid = server.pid();
    if (pid !== undefined) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

class ScriptedServer implements LocalServer {
  address = "";
  readonly name: ServerName;
  readonly dir: string;

  constructor(name: ServerName, dir: string) {
    this.name = name;
    this.dir = dir;
  }

  pid(): number | undefined {
    try {
      return Number(readFileSync(join(this.dir, "pid"), "utf8"));
    } catch {
      return undefined;
    }
  }

  /**
   * Starts it; a start that fails is tried once more (its message printed), so that one slow
   * JVM start on a loaded machine does not fail what waits for it. Two failures throw both messages.
   */
  async start(): Promise<void> {
    const script = scriptOf[this.name];
    try {
      this.address = await run(script, ["start", this.dir], startTimeoutMs[this.name]);
    } catch (first) {
      console.error(`${this.name} did not start, trying once more: ${(first as Error).message}`);
      try {
        this.address = await run(script, ["start", this.dir], startTimeoutMs[this.name]);
      } catch (second) {
        throw new Error(`${this.name} did not start, twice:\n${(first as Error).message}\n${(second as Error).message}`);
      }
    }
    running.add(this);
  }

  async stop(kill = false): Promise<void> {
    await run(scriptOf[this.name], ["stop", this.dir, ...(kill ? ["--kill"] : [])], 30_000);
    running.delete(this);
  }
}

export interface LocalStack {
  kafka?: LocalServer;
  redis?: LocalServer;
  s3?: LocalServer;
  /** Stops every server and removes their folders. */
  stop(): Promise<void>;
}

/** Starts the named servers in parallel; on any failure, stops those that started and throws. */
export async function startLocalStack(names: readonly ServerName[]): Promise<LocalStack> {
  const root = mkdtempSync(join(tmpdir(), "streaming-tda-stack-"));
  const servers = names.map((name) => new ScriptedServer(name, join(root, name)));
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  };
  const started = await Promise.allSettled(servers.map((s) => s.start()));
  const failure = started.find((r) => r.status === "rejected");
  if (failure) {
    await stop();
    throw (failure as PromiseRejectedResult).reason;
  }
  const stack: LocalStack = { stop };
  for (const s of servers) stack[s.name] = s;
  return stack;
}

/**
 * The service as a user starts it (`streaming-tda demo` or `run`), on a free loopback port
 * with its own store, for tests that talk to it over HTTP or through a browser.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;

export interface ServiceProcess {
  /** The page's URL, as the service printed it, ending in "/". */
  url: string;
  child: ChildProcess;
  /** A folder of the test's own, removed at stop. */
  dir: string;
  /** Everything the service wrote to stderr (its log), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `streaming-tda COMMAND --config <config>` with the store in a temporary folder
 * and HTTP on 127.0.0.1 at a free port; resolves once it listens. `config` is merged over
 * those settings (it is written as JSON, which the YAML loader reads).
 */
export function startService(command: "demo" | "run", config: Record<string, unknown>, timeoutMs = 30_000): Promise<ServiceProcess> {
  const dir = mkdtempSync(join(tmpdir(), `streaming-tda-${command}-`));
  const configPath = join(dir, "config.json");
  writeFileSync(configPath, JSON.stringify({ store: { path: join(dir, "store.db") }, http: { host: "127.0.0.1", port: 0 }, ...config }));
  const child = spawn(join(root, "node_modules/.bin/node"), [join(root, "bin/streaming-tda.js"), command, "--config", configPath], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, DEBUG: "" },
  });
  let stderr = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let listening = false;
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`streaming-tda ${command} was not listening after ${timeoutMs} ms; its log:\n${stderr}`));
    }, timeoutMs);
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      stderr += chunk;
      const m = /"msg":"http listening".*?"port":(\d+)/.exec(stderr);
      if (m && !listening) {
        listening = true;
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}/`, child, dir, log: () => stderr, stop });
      }
    });
    child.once("exit", (code) => {
      if (listening) return;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(new Error(`streaming-tda ${command} exited with ${code} before listening; its log:\n${stderr}`));
    });
  });
}

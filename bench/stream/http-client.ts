/**
 * The client thread of bench:stream's HTTP run (started by over-http.ts): POSTs JSON-lines
 * batches of demo events until told to stop; on 429/503 it waits briefly and resends the
 * same batch. Each connection sends its own share of the keys, so every key's events arrive
 * in order: concurrent batches of all keys would overtake one another and a quarter of the
 * events would be late (dead letters that cost nothing).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parentPort, workerData } from "node:worker_threads";
import { endlessDemoEvents } from "../../src/adapters/demo/demo-source.ts";
import { shardOf } from "../../src/service/runtime/shard.ts";
import { KEYS, SEED } from "./workloads.ts";

export interface ClientOptions {
  url: string;
  batch: number;
  concurrency: number;
}

const options = workerData as ClientOptions;
let stop = false;
parentPort?.once("message", () => (stop = true));

async function connection(index: number): Promise<void> {
  const events = endlessDemoEvents({ keys: KEYS, seed: SEED });
  const nextLine = (): string => {
    for (;;) {
      const { key, line } = events.next().value;
      if (shardOf(key, options.concurrency) === index) return line;
    }
  };
  let body: string | undefined;
  while (!stop) {
    if (body === undefined) {
      const lines: string[] = [];
      for (let i = 0; i < options.batch; i++) lines.push(nextLine());
      body = lines.join("\n");
    }
    const res = await fetch(options.url, { method: "POST", body, headers: { "content-type": "application/x-ndjson" } });
    await res.arrayBuffer();
    if (res.status === 202) body = undefined;
    else await sleep(5);
  }
}

await Promise.all(Array.from({ length: options.concurrency }, (_, index) => connection(index)));
// Ends this thread only.
process.exit(0);

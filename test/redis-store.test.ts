/** The Redis store against a real redis-server: the StateStore contract, fencing between instances, a Redis restart, its operation metrics. */
import assert from "node:assert/strict";
import { serialize } from "node:v8";
import { createClient } from "redis";
import { after, test } from "node:test";
import { RedisStateStore } from "../src/adapters/redis/redis-store.ts";
import { StaleEpochError, type Checkpoint } from "../src/adapters/types.ts";
import { PipelineMetrics } from "../src/service/runtime/metrics.ts";
import { useServers } from "./helpers/servers.ts";
import { stateStoreContract, windowResult } from "./helpers/state-store-contract.ts";

const { redis } = await useServers("redis");
const url = redis!.address;
let prefixes = 0;
const fresh = () => `test-${process.pid}-${++prefixes}`;
const open: RedisStateStore[] = [];
after(() => Promise.all(open.map((s) => s.close())));
function store(prefix: string, options: Partial<ConstructorParameters<typeof RedisStateStore>[0]> = {}): RedisStateStore {
  const s = new RedisStateStore({ url, prefix, commandTimeoutMs: 20_000, ...options });
  open.push(s);
  return s;
}

stateStoreContract("redis", {
  create: async () => new RedisStateStore({ url, prefix: fresh() }),
  reopen: async (s) => {
    await s.close();
    return new RedisStateStore({ url, prefix: (s as unknown as { prefix: string }).prefix });
  },
});

function checkpoint(offset: number, keys: Array<[string, unknown]>): Checkpoint {
  return { position: { "0": String(offset) }, shardCount: 1, keys: new Map(keys), evicted: new Map(), shards: [], counts: {}, takenAt: offset };
}

test("two instances on one Redis: the one that claimed a partition last fences the other's writes", { timeout: 30_000 }, async () => {
  const prefix = fresh();
  const a = store(prefix);
  const b = store(prefix);
  const leaseA = await a.claim("3");
  await leaseA.save(checkpoint(100, [["k", { by: "a", n: 100 }]]));
  const leaseB = await b.claim("3");
  assert.deepEqual((await leaseB.load())?.position, { "0": "100" }, "the new owner resumes at the old owner's offset");
  await leaseB.save(checkpoint(150, [["k", { by: "b", n: 150 }]]));
  // The stale instance tries to write an older state: rejected, and nothing of it lands.
  await assert.rejects(leaseA.save(checkpoint(120, [["k", { by: "a", n: 120 }]])), (err: unknown) => {
    assert.ok(err instanceof StaleEpochError);
    assert.equal(err.current, leaseB.epoch);
    return true;
  });
  const stored = await (await b.claim("3")).load();
  assert.deepEqual(stored?.position, { "0": "150" });
  assert.deepEqual(stored?.keys.get("k"), { by: "b", n: 150 });
});

test("state written V8-serialized (as earlier versions stored it) is read back: checkpoint head, live and evicted keys", { timeout: 30_000 }, async () => {
  const prefix = fresh();
  const raw = createClient({ url });
  await raw.connect();
  try {
    const head = { position: { "0": "42" }, shardCount: 1, shards: [], counts: {}, takenAt: 42 };
    await raw.set(`${prefix}:cp:0`, serialize(head));
    await raw.hSet(`${prefix}:live:0`, "k", serialize({ coords: [1.5, -0], typed: new Float64Array([Infinity, NaN]) }));
    await raw.hSet(`${prefix}:evicted:0`, "gone", serialize({ n: 7 }));
  } finally {
    await raw.close();
  }
  const lease = await store(prefix).claim("0");
  const loaded = await lease.load();
  assert.deepEqual(loaded?.position, { "0": "42" });
  assert.deepEqual(loaded?.keys.get("k"), { coords: [1.5, -0], typed: new Float64Array([Infinity, NaN]) });
  assert.deepEqual(await lease.loadEvictedKeys(["gone"]), new Map([["gone", { n: 7 }]]));
});

test("state and results go over two connections, named for CLIENT LIST", { timeout: 30_000 }, async () => {
  const s = store(fresh());
  await s.claim("0");
  await s.appendResults([windowResult("a", 127, 1000)]);
  const raw = createClient({ url });
  await raw.connect();
  try {
    const names = (await raw.sendCommand(["CLIENT", "LIST"]))!.toString().split("\n").map((line) => /\bname=(\S*)/.exec(line)?.[1]);
    assert.ok(names.includes("streaming-tda-state"), "a state connection");
    assert.ok(names.includes("streaming-tda-results"), "a results connection");
  } finally {
    await raw.close();
  }
});

test("results: bounded per key, newest kept", { timeout: 30_000 }, async () => {
  const s = store(fresh(), { maxResultsPerKey: 3 });
  await s.appendResults([1, 2, 3, 4, 5].map((i) => windowResult("a", 127 + 8 * i, 1000 * i)));
  const kept = await s.history("a", -Infinity, Infinity, 10);
  assert.deepEqual(kept.map((r) => (r as { end: number }).end), [3000, 4000, 5000]);
  assert.deepEqual(await s.keys(), [{ key: "a", lastEnd: 5000, windows: 5, anomalies: 0 }]);
});

test("a Redis restart: commands wait and go through after the reconnect; ping reports the outage", { timeout: 60_000 }, async () => {
  const s = store(fresh());
  const lease = await s.claim("0");
  await lease.save(checkpoint(1, [["k", { n: 1 }]]));
  assert.equal(await s.ping(), true);
  await redis!.stop();
  // Give the client a moment to see the connection drop.
  const deadline = Date.now() + 10_000;
  while (s.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await s.ping(), false, "not ready while Redis is down");
  const pending = lease.save(checkpoint(2, [["k", { n: 2 }]]));
  await new Promise((r) => setTimeout(r, 500));
  await redis!.start();
  await pending;
  assert.deepEqual((await lease.load())?.position, { "0": "2" });
  // Ready again once both connections (state and results) are back, each on its own backoff.
  const back = Date.now() + 10_000;
  while (!(await s.ping()) && Date.now() < back) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await s.ping(), true);
});

test("Redis operations are counted and timed, and one that fails is counted as an error (streaming_tda_redis_*)", { timeout: 60_000 }, async () => {
  const metrics = new PipelineMetrics({ defaultMetrics: false });
  const s = store(fresh(), { recorder: metrics, commandTimeoutMs: 300 });
  const lease = await s.claim("0");
  await lease.save(checkpoint(1, [["k", { n: 1 }]]));
  await s.appendResults([windowResult("a", 127, 1000)]);
  await redis!.stop();
  const deadline = Date.now() + 10_000;
  while (s.ready && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(s.latest("a"), "a command that cannot be answered within commandTimeoutMs fails");
  await redis!.start();
  await waitUntilReady(s);
  const text = await metrics.registry.metrics();
  for (const operation of ["claim", "save", "append_results", "latest"]) {
    assert.match(text, new RegExp(`^streaming_tda_redis_operations_total\\{operation="${operation}"\\} [1-9]`, "m"), operation);
    assert.match(text, new RegExp(`^streaming_tda_redis_operation_seconds_count\\{operation="${operation}"\\} [1-9]`, "m"), operation);
  }
  assert.match(text, /^streaming_tda_redis_errors_total\{operation="latest"\} 1$/m);
  assert.doesNotMatch(text, /^streaming_tda_redis_errors_total\{operation="save"\}/m, "no error where none happened");
});

async function waitUntilReady(s: RedisStateStore): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await s.ping())) {
    if (Date.now() > deadline) throw new Error("the store did not reconnect within 20 s");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The StateStore contract (test/helpers/state-store-contract.ts) on every implementation. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { MemoryStateStore } from "../src/adapters/store/memory-store.ts";
import { SqliteStateStore } from "../src/adapters/store/sqlite-store.ts";
import { WHOLE_STATE } from "../src/adapters/types.ts";
import type { WindowResult } from "../src/stream/types.ts";
import { stateStoreContract, windowResult } from "./helpers/state-store-contract.ts";

stateStoreContract("sqlite", {
  create: async () => new SqliteStateStore(join(mkdtempSync(join(tmpdir(), "stda-store-")), "s.db")),
  reopen: async (store) => {
    await store.close();
    return new SqliteStateStore((store as SqliteStateStore).path);
  },
});

stateStoreContract("memory", { create: async () => new MemoryStateStore() });

test("sqlite store: one file has one opener; a second is refused (test/store-faults.test.ts), so fencing is per store", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "stda-store-")), "s.db");
  const first = new SqliteStateStore(path);
  try {
    assert.throws(() => new SqliteStateStore(path), /is in use by pid/);
    const old = await first.claim(WHOLE_STATE);
    await first.claim(WHOLE_STATE);
    await assert.rejects(old.save({ position: 1, shardCount: 1, keys: new Map(), evicted: new Map(), shards: [], counts: {}, takenAt: 0 }), /another owner/);
  } finally {
    await first.close();
  }
});

test("memory store: bounded; the oldest results, key summaries and evicted keys go first", async () => {
  const store = new MemoryStateStore({ maxResults: 3, maxEvictedKeys: 2 });
  await store.appendResults([windowResult("a", 1, 100), windowResult("b", 1, 100), windowResult("a", 2, 200), windowResult("c", 1, 100)]);
  assert.deepEqual((await store.history("a", 0, 1000, 10)).map((r) => (r as WindowResult).id), ["a|128/8|2"]);
  assert.deepEqual((await store.keys()).map((k) => k.key), ["a", "b", "c"]);
  await store.appendResults([windowResult("d", 1, 100)]);
  assert.deepEqual((await store.keys()).map((k) => k.key), ["a", "c", "d"], "b, the least recently updated, is forgotten");
  const lease = await store.claim(WHOLE_STATE);
  const evict = (keys: string[]) => ({ position: 1, shardCount: 1, keys: new Map(), evicted: new Map(keys.map((k) => [k, { k }])), shards: [], counts: {}, takenAt: 0 });
  await lease.save(evict(["x", "y"]));
  await lease.save(evict(["z"]));
  assert.deepEqual([...(await lease.loadEvictedKeys(["x", "y", "z"])).keys()], ["y", "z"]);
});

/**
 * The contract every StateStore implementation meets, as a suite of tests: call
 * `stateStoreContract(name, factory)` from a test file with a factory for the store under
 * test. Durable stores also pass `reopen`, for what must survive closing and opening again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { StaleEpochError, WHOLE_STATE, type Checkpoint, type StateStore } from "../../src/adapters/types.ts";
import type { WindowResult } from "../../src/stream/types.ts";

export interface StoreFactory {
  /** A new, empty store. */
  create(): Promise<StateStore>;
  /** For durable stores: closes `store` and opens the same storage again. */
  reopen?(store: StateStore): Promise<StateStore>;
}

export function windowResult(key: string, lastSeq: number, end: number, anomaly = false): WindowResult {
  return {
    type: "window", id: `${key}|128/8|${lastSeq}`, key, scale: "128/8", start: end - 100, end, firstSeq: lastSeq - 127, lastSeq,
    points: 128, computedPoints: 128, threshold: 1, diagrams: { "0": [[0, null]], "1": [] }, features: {},
    distance: null, referenceDistance: null, score: null, anomaly,
  };
}

function checkpoint(position: number, keys: Array<[string, unknown]>, evicted: Array<[string, unknown]> = []): Checkpoint {
  return {
    position: { offset: position },
    shardCount: 2,
    keys: new Map(keys),
    evicted: new Map(evicted),
    shards: [{ s: position }, { s: position + 1 }],
    counts: { received: position },
    takenAt: 1_700_000_000_000 + position,
  };
}

/** State as a processor snapshot has it: nested arrays and objects, typed arrays, non-finite numbers. */
const RICH_STATE = {
  dimension: 3,
  coords: [0.5, -1.25, 3e-300],
  typed: new Float64Array([1, 2.5, -0]),
  history: [Infinity, 1.5, NaN],
  maxTs: null,
  scales: { "128/8": { seq: [1, 2, 3], recent: [{ diagrams: { "0": [[0, null]] } }] } },
};

export function stateStoreContract(name: string, factory: StoreFactory): void {
  const withStore = (title: string, body: (store: StateStore) => Promise<void>) =>
    test(`${name} store: ${title}`, async () => {
      const store = await factory.create();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });

  withStore("a fresh partition has no checkpoint and no evicted keys", async (store) => {
    const lease = await store.claim(WHOLE_STATE);
    assert.equal(lease.partition, WHOLE_STATE);
    assert.equal(await lease.load(), undefined);
    assert.deepEqual(await lease.loadEvictedKeys(["a", "b"]), new Map());
    assert.equal(await store.ping(), true);
  });

  withStore("a checkpoint comes back as it was saved, and the next one replaces it", async (store) => {
    const lease = await store.claim(WHOLE_STATE);
    await lease.save(checkpoint(10, [["a", RICH_STATE], ["b", { n: 2 }]]));
    const first = await lease.load();
    assert.ok(first);
    assert.deepEqual(first.position, { offset: 10 });
    assert.equal(first.shardCount, 2);
    assert.deepEqual(first.keys.get("a"), RICH_STATE);
    assert.ok(first.keys.get("a") !== RICH_STATE, "a copy, not the object saved");
    assert.deepEqual(first.shards, [{ s: 10 }, { s: 11 }]);
    assert.deepEqual(first.counts, { received: 10 });
    assert.equal(first.takenAt, 1_700_000_000_010);
    assert.equal(first.evicted.size, 0);

    await lease.save(checkpoint(20, [["b", { n: 3 }]]));
    const second = await lease.load();
    assert.deepEqual(second?.position, { offset: 20 });
    assert.deepEqual([...second!.keys], [["b", { n: 3 }]], "keys not in the newer checkpoint are gone");
  });

  withStore("what a caller does to a checkpoint after saving it changes nothing stored", async (store) => {
    const lease = await store.claim(WHOLE_STATE);
    const state = { n: 1, list: [1, 2] };
    await lease.save(checkpoint(1, [["a", state]]));
    state.list.push(3);
    const loaded = await lease.load();
    assert.deepEqual(loaded?.keys.get("a"), { n: 1, list: [1, 2] });
    (loaded!.keys.get("a") as { n: number }).n = 99;
    assert.deepEqual((await lease.load())?.keys.get("a"), { n: 1, list: [1, 2] });
  });

  withStore("a checkpoint that cannot be stored leaves the previous one standing", async (store) => {
    const lease = await store.claim(WHOLE_STATE);
    await lease.save(checkpoint(1, [["a", { n: 1 }]]));
    await assert.rejects(lease.save(checkpoint(2, [["a", { n: 2 }], ["b", { f: () => 0 }]], [["c", { n: 3 }]])));
    const loaded = await lease.load();
    assert.deepEqual(loaded?.position, { offset: 1 });
    assert.deepEqual([...loaded!.keys], [["a", { n: 1 }]]);
    assert.deepEqual(await lease.loadEvictedKeys(["c"]), new Map());
  });

  withStore("evicted keys are served on request until a later checkpoint has them live again", async (store) => {
    const lease = await store.claim(WHOLE_STATE);
    await lease.save(checkpoint(1, [["a", { n: 1 }], ["b", { n: 1 }]]));
    await lease.save(checkpoint(2, [["b", { n: 2 }]], [["a", RICH_STATE]]));
    const loaded = await lease.load();
    assert.deepEqual([...loaded!.keys.keys()], ["b"], "an evicted key is not among the live ones");
    assert.equal(loaded!.evicted.size, 0);
    assert.deepEqual(await lease.loadEvictedKeys(["a", "b", "zz"]), new Map([["a", RICH_STATE]]));
    // Checkpoints that do not mention it keep it.
    await lease.save(checkpoint(3, [["b", { n: 3 }]]));
    assert.deepEqual(await lease.loadEvictedKeys(["a"]), new Map([["a", RICH_STATE]]));
    // Back in memory and checkpointed live: no longer evicted.
    await lease.save(checkpoint(4, [["a", { n: 4 }], ["b", { n: 4 }]]));
    assert.deepEqual(await lease.loadEvictedKeys(["a"]), new Map());
    assert.deepEqual((await lease.load())?.keys.get("a"), { n: 4 });
    // Evicted again: the newer state is served.
    await lease.save(checkpoint(5, [["b", { n: 5 }]], [["a", { n: 5 }]]));
    assert.deepEqual(await lease.loadEvictedKeys(["a"]), new Map([["a", { n: 5 }]]));
  });

  withStore("a newer claim fences the older lease: its save fails and stores nothing", async (store) => {
    const old = await store.claim(WHOLE_STATE);
    await old.save(checkpoint(1, [["a", { by: "old" }]]));
    const next = await store.claim(WHOLE_STATE);
    assert.ok(next.epoch > old.epoch, `epoch ${next.epoch} after ${old.epoch}`);
    assert.deepEqual((await next.load())?.keys.get("a"), { by: "old" }, "the new owner reads what the old one saved");
    await assert.rejects(old.save(checkpoint(2, [["a", { by: "stale" }]], [["b", { by: "stale" }]])), (err: unknown) => {
      assert.ok(err instanceof StaleEpochError, String(err));
      assert.equal(err.partition, WHOLE_STATE);
      assert.equal(err.epoch, old.epoch);
      assert.equal(err.current, next.epoch);
      return true;
    });
    assert.deepEqual((await next.load())?.position, { offset: 1 });
    assert.deepEqual(await next.loadEvictedKeys(["b"]), new Map());
    await next.save(checkpoint(3, [["a", { by: "new" }]]));
    assert.deepEqual((await old.load())?.keys.get("a"), { by: "new" }, "a fenced lease can still read");
  });

  withStore("partitions are independent: each has its own checkpoint, evicted keys and epoch", async (store) => {
    const p0 = await store.claim("p0");
    const p1 = await store.claim("p1");
    await p0.save(checkpoint(1, [["a", { p: 0 }]], [["x", { p: 0 }]]));
    await p1.save(checkpoint(2, [["b", { p: 1 }]], [["y", { p: 1 }]]));
    assert.deepEqual([...(await p0.load())!.keys], [["a", { p: 0 }]]);
    assert.deepEqual([...(await p1.load())!.keys], [["b", { p: 1 }]]);
    assert.deepEqual(await p0.loadEvictedKeys(["x", "y"]), new Map([["x", { p: 0 }]]));
    assert.deepEqual(await p1.loadEvictedKeys(["x", "y"]), new Map([["y", { p: 1 }]]));
    await store.claim("p1");
    await p0.save(checkpoint(3, [["a", { p: 0, n: 3 }]]));
    assert.deepEqual((await p0.load())?.position, { offset: 3 }, "a claim on another partition does not fence this one");
    assert.equal(await (await store.claim("p2")).load(), undefined);
  });

  withStore("results are kept once per id and queried by key and time", async (store) => {
    await store.appendResults([windowResult("a", 127, 1000), windowResult("a", 135, 1100, true), windowResult("b", 127, 1000)]);
    // A repeat after a restart: same id, counted once. Records other than window results are not kept.
    await store.appendResults([
      windowResult("a", 135, 1100, true),
      windowResult("a", 143, 1200),
      { type: "dead_letter", reason: "parse_error", detail: "not JSON", raw: "x", source: { kind: "stdin", line: 1 }, key: "a" },
    ]);
    assert.deepEqual(await store.keys(), [
      { key: "a", lastEnd: 1200, windows: 3, anomalies: 1 },
      { key: "b", lastEnd: 1000, windows: 1, anomalies: 0 },
    ]);
    assert.equal(((await store.latest("a")) as WindowResult | undefined)?.id, "a|128/8|143");
    assert.equal(await store.latest("zz"), undefined);
    const h = await store.history("a", 1050, 1200, 10);
    assert.deepEqual(h.map((r) => (r as WindowResult).id), ["a|128/8|135", "a|128/8|143"]);
    assert.deepEqual((await store.history("a", 0, 5000, 1)).map((r) => (r as WindowResult).id), ["a|128/8|127"]);
    assert.deepEqual(await store.history("a", -Infinity, Infinity, 10).then((rs) => rs.length), 3);
    assert.deepEqual(await store.history("b", 1001, 5000, 10), []);
    assert.deepEqual(await store.history("a", 0, 5000, 10).then((rs) => rs[2]), windowResult("a", 143, 1200));
  });

  withStore("keys and history come in pages that join up, in key order and in (end, id) order either way", async (store) => {
    const keys = ["k3", "k1", "k4", "k0", "k2"];
    await store.appendResults(keys.map((k) => windowResult(k, 127, 1000)));
    const pages: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await store.keys({ after, limit: 2 })).map((k) => k.key);
      if (page.length === 0) break;
      pages.push(page);
      after = page[page.length - 1];
    }
    assert.deepEqual(pages, [["k0", "k1"], ["k2", "k3"], ["k4"]]);
    assert.deepEqual((await store.keySummaries(["k4", "zz", "k1", "k4"])).map((k) => [k.key, k.windows]), [["k1", 1], ["k4", 1]]);

    // Two results share an end time: the id breaks the tie.
    await store.appendResults([windowResult("h", 10, 100), windowResult("h", 11, 200), windowResult("h", 12, 200), windowResult("h", 13, 300)]);
    const walk = async (order: "asc" | "desc") => {
      const ids: string[] = [];
      let cursor: { end: number; id: string } | undefined;
      for (;;) {
        const page = (await store.history("h", -Infinity, Infinity, 2, { order, after: cursor })) as WindowResult[];
        if (page.length === 0) return ids;
        ids.push(...page.map((r) => r.id));
        cursor = { end: page[page.length - 1].end, id: page[page.length - 1].id };
      }
    };
    const ascending = ["h|128/8|10", "h|128/8|11", "h|128/8|12", "h|128/8|13"];
    assert.deepEqual(await walk("asc"), ascending);
    assert.deepEqual(await walk("desc"), [...ascending].reverse());
  });

  withStore("the latest result of a key is the one with the latest end, whatever order they came in", async (store) => {
    await store.appendResults([windowResult("a", 143, 1200), windowResult("a", 127, 1000)]);
    assert.equal(((await store.latest("a")) as WindowResult | undefined)?.id, "a|128/8|143");
    assert.deepEqual((await store.history("a", 0, 5000, 10)).map((r) => (r as WindowResult).id), ["a|128/8|127", "a|128/8|143"]);
  });

  const reopen = factory.reopen;
  if (reopen) {
    test(`${name} store: checkpoints, evicted keys, results and epochs survive closing and opening again`, async () => {
      const store = await factory.create();
      const lease = await store.claim(WHOLE_STATE);
      await lease.save(checkpoint(1, [["a", RICH_STATE]]));
      await lease.save(checkpoint(2, [["b", { n: 2 }]], [["a", RICH_STATE]]));
      await store.appendResults([windowResult("a", 127, 1000)]);
      const again = await reopen(store);
      try {
        const next = await again.claim(WHOLE_STATE);
        assert.ok(next.epoch > lease.epoch, "epochs go on rising across a reopen");
        const loaded = await next.load();
        assert.deepEqual(loaded?.position, { offset: 2 });
        assert.deepEqual([...loaded!.keys], [["b", { n: 2 }]]);
        assert.deepEqual(await next.loadEvictedKeys(["a"]), new Map([["a", RICH_STATE]]));
        assert.deepEqual(await again.keys(), [{ key: "a", lastEnd: 1000, windows: 1, anomalies: 0 }]);
      } finally {
        await again.close();
      }
    });
  }
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { GroupedWrites } from "../src/service/runtime/grouped-writes.ts";

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test("items ready behind a write that is out go together in the next write, in the order added", async () => {
  const writes: number[][] = [];
  const gates: Array<ReturnType<typeof deferred<void>>> = [];
  const grouped = new GroupedWrites<number>(async (items) => {
    writes.push(items);
    const gate = deferred<void>();
    gates.push(gate);
    await gate.promise;
  });
  const items = [0, 1, 2, 3].map(() => deferred<number>());
  const written = items.map((d) => grouped.add(d.promise));
  const settled: number[] = [];
  written.forEach((w, i) => void w.then(() => settled.push(i)));

  items[0].resolve(0);
  await tick();
  assert.deepEqual(writes, [[0]]);
  // Ready out of order: 3 waits for 1 and 2.
  items[3].resolve(3);
  items[2].resolve(2);
  await tick();
  assert.deepEqual(writes, [[0]], "one write at a time");
  items[1].resolve(1);
  gates[0].resolve();
  await tick();
  await tick();
  assert.deepEqual(writes, [[0], [1, 2, 3]]);
  assert.deepEqual(settled, [0]);
  gates[1].resolve();
  await Promise.all(written);
  assert.deepEqual(settled, [0, 1, 2, 3]);
});

test("a failed write fails its items, the ones behind it and any added later", async () => {
  const grouped = new GroupedWrites<number>(async (items) => {
    if (items.includes(2)) throw new Error("sink down");
  });
  const first = grouped.add(Promise.resolve(1));
  await first;
  const second = grouped.add(Promise.resolve(2));
  await assert.rejects(second, /sink down/);
  await assert.rejects(grouped.add(Promise.resolve(3)), /sink down/);
});

test("an item whose result fails fails it and every item behind it; none is written", async () => {
  const writes: number[][] = [];
  const grouped = new GroupedWrites<number>(async (items) => {
    writes.push(items);
  });
  const bad = deferred<number>();
  const a = grouped.add(bad.promise);
  const b = grouped.add(Promise.resolve(2));
  bad.reject(new Error("shard crashed"));
  await assert.rejects(a, /shard crashed/);
  await assert.rejects(b, /shard crashed/);
  assert.deepEqual(writes, []);
});

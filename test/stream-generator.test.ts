/**
 * The demo generator is deterministic, reports the changes it makes, and its points have
 * the topology it says (checked with the batch engine on clean samples).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { demoData, demoChanges, demoEvents } from "../src/adapters/demo/generator.ts";
import { ripsPersistence } from "../src/tda/rips.ts";

test("same seed, same stream; another seed, another stream; lazy and eager agree", () => {
  const a = demoData({ seed: 3, eventsPerKey: 50 });
  const b = demoData({ seed: 3, eventsPerKey: 50 });
  const c = demoData({ seed: 4, eventsPerKey: 50 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.events.map((e) => e.line), c.events.map((e) => e.line));
  assert.deepEqual([...demoEvents({ seed: 3, eventsPerKey: 50 })], a.events);
  assert.deepEqual(a.events.map((e) => e.index), a.events.map((_, i) => i));
});

test("changes are where the shapes change, and each shape has its topology", () => {
  const perKey = 900;
  const data = demoData({ seed: 2, eventsPerKey: perKey, changingKeys: 2, stableKeys: 1, noise: 0.01, brokenRate: 0 });
  assert.deepEqual(data.changes, demoChanges({ seed: 2, eventsPerKey: perKey, changingKeys: 2, stableKeys: 1 }));
  assert.equal(data.changes.length, 4);
  const valuesOf = (key: string) => data.events.filter((e) => e.key === key).map((e) => (JSON.parse(e.line) as { value: number[] }).value);
  // Betti numbers at a scale between the noise and the shapes' sizes.
  const betti = (points: number[][], scale: number): [number, number] => {
    const { diagrams } = ripsPersistence(points, { maxDim: 1 });
    const alive = (intervals: Array<[number, number]>) => intervals.filter(([b, d]) => b <= scale && d > scale).length;
    return [alive(diagrams[0] as Array<[number, number]>), alive(diagrams[1] as Array<[number, number]>)];
  };
  for (const key of data.changingKeys) {
    const [toTwo, toEight] = data.changes.filter((c) => c.key === key);
    assert.equal(toTwo.to, "two-circles");
    assert.equal(toEight.to, "figure-eight");
    const values = valuesOf(key);
    const events = data.events.filter((e) => e.key === key);
    assert.equal(events[toTwo.seq].ts, toTwo.ts);
    assert.deepEqual(betti(values.slice(toTwo.seq - 200, toTwo.seq), 0.45), [1, 1], `${key}: a circle before`);
    assert.deepEqual(betti(values.slice(toTwo.seq, toTwo.seq + 200), 0.45), [2, 2], `${key}: two circles after`);
    assert.deepEqual(betti(values.slice(toEight.seq, toEight.seq + 200), 0.45), [1, 2], `${key}: a figure eight after`);
  }
  const stable = valuesOf(data.stableKeys[0]);
  assert.deepEqual(betti(stable.slice(-200), 0.45), [1, 1]);
});

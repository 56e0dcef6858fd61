// The bottleneck distance of small diagrams by listing every candidate (the path
// bottleneckDistance takes for a window's H1), against the general matcher (which
// bottleneckMatching always takes) and against brute force over every matching: the same
// float, bit for bit, on random diagrams with ties, repeated points, zero-length points and
// essential classes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bottleneckDistance, bottleneckMatching } from "../src/tda/distance/index.ts";
import { smallBottleneck, SMALL_PAIRS } from "../src/tda/distance/bottleneck-small.ts";
import { seededRandom } from "../src/tda/seeded-random.ts";
import type { Interval } from "../src/tda/types.ts";


/** `count` points; `grid` > 0 draws births and lengths from few values (ties, repeats, zero lengths). */
function diagram(random: () => number, count: number, grid: number, essential: number): Interval[] {
  const points: Interval[] = [];
  for (let k = 0; k < count; k++) {
    const birth = grid > 0 ? Math.floor(random() * grid) / grid : random() * 2;
    const length = grid > 0 ? Math.floor(random() * grid) / (2 * grid) : random() * random();
    points.push([birth, birth + length]);
  }
  for (let k = 0; k < essential; k++) points.push([Math.floor(random() * 4) / 4, Infinity]);
  return points;
}

function bruteForce(a: Interval[], b: Interval[]): number {
  let best = Infinity;
  const used = new Uint8Array(b.length);
  const visit = (i: number, worst: number): void => {
    if (worst >= best) return;
    if (i === a.length) {
      for (let j = 0; j < b.length; j++) if (!used[j]) worst = Math.max(worst, (b[j][1] - b[j][0]) / 2);
      best = Math.min(best, worst);
      return;
    }
    visit(i + 1, Math.max(worst, (a[i][1] - a[i][0]) / 2));
    for (let j = 0; j < b.length; j++) {
      if (used[j]) continue;
      used[j] = 1;
      visit(i + 1, Math.max(worst, Math.abs(a[i][0] - b[j][0]), Math.abs(a[i][1] - b[j][1])));
      used[j] = 0;
    }
  };
  visit(0, 0);
  return best;
}

describe("the bottleneck distance of small diagrams", () => {
  it("equals brute force over every matching, bit for bit", () => {
    const random = seededRandom(21);
    for (let k = 0; k < 1500; k++) {
      const grid = k % 3 === 0 ? 4 : k % 3 === 1 ? 32 : 0;
      const a = diagram(random, Math.floor(random() * 7), grid, 0);
      const b = diagram(random, Math.floor(random() * 7), grid, 0);
      assert.equal(bottleneckDistance(a, b), bruteForce(a, b), `case ${k}: ${JSON.stringify([a, b])}`);
    }
  });

  it("equals the general matcher, bit for bit, up to the largest size it takes", () => {
    const random = seededRandom(22);
    for (let k = 0; k < 600; k++) {
      const grid = k % 3 === 0 ? 8 : k % 3 === 1 ? 256 : 0;
      const essential = k % 4 === 0 ? 2 : 0;
      const n = Math.floor(random() * 33);
      const a = diagram(random, n, grid, essential);
      const b = diagram(random, n === 0 ? 1 + Math.floor(random() * 32) : Math.floor(SMALL_PAIRS / n * random()), grid, essential);
      assert.equal(bottleneckDistance(a, b), bottleneckMatching(a, b).distance, `case ${k}: ${JSON.stringify([a, b])}`);
    }
  });

  it("takes the arrays of finite points directly", () => {
    const f = (xs: number[]) => Float64Array.from(xs);
    assert.equal(smallBottleneck(f([]), f([]), f([]), f([])), 0);
    assert.equal(smallBottleneck(f([0]), f([1]), f([]), f([])), 0.5);
    assert.equal(smallBottleneck(f([0, 2]), f([1, 2.5]), f([0.25]), f([1.125])), 0.25);
  });
});

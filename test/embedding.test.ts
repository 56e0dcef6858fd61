import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  chooseDelay,
  chooseDimension,
  chooseEmbedding,
  delayedMutualInformation,
  embeddedCount,
  falseNeighbourShare,
  takensEmbedding,
} from "../src/tda/index.ts";
import { TdaInputError } from "../src/tda/types.ts";

function sine(length: number, period: number, noise = 0, seed = 1): number[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length }, (_, t) => Math.sin((2 * Math.PI * t) / period) + noise * uniform());
}

/** The x coordinate of the Lorenz system (σ 10, ρ 28, β 8/3), RK4 with step dt, after a transient. */
function lorenzX(length: number, dt: number): number[] {
  let [x, y, z] = [1, 1, 1];
  const f = (x: number, y: number, z: number) => [10 * (y - x), x * (28 - z) - y, x * y - (8 / 3) * z];
  const out: number[] = [];
  for (let i = 0; i < length + 1000; i++) {
    const k1 = f(x, y, z);
    const k2 = f(x + (dt / 2) * k1[0], y + (dt / 2) * k1[1], z + (dt / 2) * k1[2]);
    const k3 = f(x + (dt / 2) * k2[0], y + (dt / 2) * k2[1], z + (dt / 2) * k2[2]);
    const k4 = f(x + dt * k3[0], y + dt * k3[1], z + dt * k3[2]);
    x += (dt / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
    y += (dt / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
    z += (dt / 6) * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]);
    if (i >= 1000) out.push(x);
  }
  return out;
}

describe("Takens embedding", () => {
  it("stacks delayed samples and ends on the last sample", () => {
    const series = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const cloud = takensEmbedding(series, { dimension: 3, delay: 2, stride: 3 });
    // Span 5; (10 − 5) mod 3 = 2: points start at 2, 5.
    assert.equal(cloud.count, 2);
    assert.deepEqual(Array.from(cloud.points), [2, 4, 6, 5, 7, 9]);
    const dense = takensEmbedding(series, { dimension: 2, delay: 1 });
    assert.equal(dense.count, 9);
    assert.deepEqual(Array.from(dense.points.subarray(0, 4)), [0, 1, 1, 2]);
  });

  it("counts points as ⌊(N − (d − 1)τ − 1) / s⌋ + 1", () => {
    assert.equal(embeddedCount(100, { dimension: 4, delay: 5, stride: 2 }), Math.floor((100 - 16) / 2) + 1);
    assert.equal(embeddedCount(15, { dimension: 4, delay: 5 }), 0);
    assert.equal(embeddedCount(16, { dimension: 4, delay: 5 }), 1);
  });

  it("refuses a series too short for the embedding asked for, saying so", () => {
    assert.throws(() => takensEmbedding([1, 2, 3], { dimension: 3, delay: 2 }), (e: unknown) => e instanceof TdaInputError && /3 samples is too short.*spans 5/.test(e.message));
    assert.throws(() => takensEmbedding([1, 2, 3], { dimension: 0, delay: 1 }), TdaInputError);
    assert.throws(() => takensEmbedding([1, 2, 3], { dimension: 2, delay: 1.5 }), TdaInputError);
  });
});

describe("automatic delay (mutual information)", () => {
  it("is larger for a lag that shares more", () => {
    const x = sine(2000, 40);
    // Half a period: x_{t+20} = −x_t, a function of x_t; a quarter period shares the least.
    assert.ok(delayedMutualInformation(x, 20) > delayedMutualInformation(x, 10) + 0.5);
    assert.equal(delayedMutualInformation([2, 2, 2, 2], 1), 0);
  });

  it("finds about a quarter period for sines, clean or noisy", () => {
    for (const [period, noise] of [[40, 0], [40.7, 0], [23, 0], [40, 0.3], [64, 0.3], [100, 0.3]]) {
      const choice = chooseDelay(sine(2000, period, noise), Math.ceil(period * 0.6));
      assert.equal(choice.rule, "first-minimum");
      assert.ok(Math.abs(choice.delay! - period / 4) <= period / 8, `period ${period}, noise ${noise}: delay ${choice.delay}`);
    }
  });

  it("skips delays that leave too few pairs, with a reason", () => {
    const choice = chooseDelay(sine(30, 12), 15);
    assert.equal(choice.skipped.length, 5);
    assert.match(choice.skipped[0].reason, /only 19 pairs/);
    assert.ok(choice.delay !== undefined && choice.delay <= 10);
  });
});

describe("automatic dimension (false nearest neighbours)", () => {
  it("sees a circle in two dimensions", () => {
    // An irrational period: an exactly periodic series repeats its points, and a repeated
    // point is a true neighbour in any dimension.
    const x = sine(1000, 12 * Math.PI);
    assert.ok(falseNeighbourShare(x, 1, 10) > 0.1);
    assert.ok(falseNeighbourShare(x, 2, 10) < 0.01);
    assert.equal(chooseDimension(x, 10, 6).dimension, 2);
  });

  it("unfolds the Lorenz attractor in three dimensions", () => {
    const x = lorenzX(3000, 0.02);
    const choice = chooseEmbedding(x, { maxDelay: 40, maxDimension: 6 });
    assert.equal(choice.failure, undefined);
    assert.ok(choice.delay.delay! >= 6 && choice.delay.delay! <= 16, `delay ${choice.delay.delay}`);
    assert.equal(choice.dimension.dimension, 3);
  });

  it("skips dimensions the series cannot fill and reports failure instead of throwing", () => {
    const x = sine(60, 12 * Math.PI / 3);
    const choice = chooseDimension(x, 3, 5, { minPoints: 55 });
    assert.equal(choice.dimension, undefined);
    assert.deepEqual(choice.skipped.map((s) => s.dimension), [2, 3, 4, 5]);
    assert.match(choice.skipped[0].reason, /60 samples give 54 points in dimension 3 with delay 3.*at least 55 needed/);
    const short = chooseEmbedding([1, 2, 3, 4, 5]);
    assert.ok(short.failure !== undefined);
    assert.ok(short.skipped.length > 0);
  });

  it("rejects samples that are not numbers", () => {
    assert.throws(() => chooseEmbedding([1, NaN, 2]), /sample 1 is NaN/);
  });
});

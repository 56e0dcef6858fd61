// `streaming-tda distance`, run as a user would: output format, agreement with the library,
// infinite distances, matchings, and one clear line for bad input.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { diagramsFromJson } from "../src/tda/diagram-json.ts";
import { bottleneckDistance, slicedWassersteinDistance, wassersteinDistance } from "../src/tda/distance/index.ts";
import { assertOneLineFailure, cli } from "./helpers/cli.ts";

const root = new URL("..", import.meta.url).pathname;
const fixture = (name: string) => join(root, "test/fixtures/distance", name);
const diagrams = (name: string) => diagramsFromJson(JSON.parse(readFileSync(fixture(name), "utf8")));

/** The distance command, run as a user would. */
const distance = (args: string[], input?: string) => cli(["distance", ...args], input);

const a = diagrams("circle-a.json");
const b = diagrams("circle-b.json");

describe("streaming-tda distance", () => {
  it("prints the bottleneck distance of dimension 0 by default, as one number", () => {
    const result = distance([fixture("circle-a.json"), fixture("circle-b.json")]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${bottleneckDistance(a[0], b[0])}\n`);
  });
  it("prints the Wasserstein distance with --order and --internal-p", () => {
    const result = distance([fixture("circle-a.json"), fixture("circle-b.json"), "--metric", "wasserstein", "--order", "2", "--internal-p", "2", "--dim", "1"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${wassersteinDistance(a[1], b[1], { order: 2, internalP: 2 })}\n`);
    const maxNorm = distance([fixture("circle-a.json"), fixture("circle-b.json"), "--metric", "wasserstein", "--internal-p", "inf", "--dim", "1"]);
    assert.equal(maxNorm.stdout, `${wassersteinDistance(a[1], b[1], { order: 1, internalP: Infinity })}\n`);
  });
  it("prints the sliced Wasserstein distance with --directions", () => {
    const result = distance([fixture("circle-a.json"), fixture("circle-b.json"), "--metric", "sliced", "--directions", "20", "--dim", "1"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${slicedWassersteinDistance(a[1], b[1], 20)}\n`);
  });
  it("prints JSON with --matching: every interval once, and the pairs' costs give the distance", () => {
    const result = distance([fixture("circle-a.json"), fixture("circle-b.json"), "--dim", "1", "--matching"]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as { metric: string; dim: number; distance: number; matching: Array<[number, number]> };
    assert.equal(out.metric, "bottleneck");
    assert.equal(out.dim, 1);
    assert.equal(out.distance, bottleneckDistance(a[1], b[1]));
    const fromA = out.matching.map(([i]) => i).filter((i) => i >= 0).sort((x, y) => x - y);
    const fromB = out.matching.map(([, j]) => j).filter((j) => j >= 0).sort((x, y) => x - y);
    assert.deepEqual(fromA, a[1].map((_, i) => i));
    assert.deepEqual(fromB, b[1].map((_, j) => j));
    const cost = ([i, j]: [number, number]) => {
      if (i < 0) return (b[1][j][1] - b[1][j][0]) / 2;
      if (j < 0) return (a[1][i][1] - a[1][i][0]) / 2;
      return Math.max(Math.abs(a[1][i][0] - b[1][j][0]), Math.abs(a[1][i][1] - b[1][j][1]));
    };
    assert.equal(Math.max(...out.matching.map(cost)), out.distance);
  });
  it("prints inf when the numbers of essential classes differ", () => {
    const result = distance([fixture("circle-a.json"), fixture("two-essential.json")]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "inf\n");
    const json = distance([fixture("circle-a.json"), fixture("two-essential.json"), "--metric", "wasserstein", "--matching"]);
    assert.deepEqual(JSON.parse(json.stdout), { metric: "wasserstein", dim: 0, distance: "inf", matching: [] });
  });
  it("reads one of the diagrams from standard input", () => {
    const result = distance(["-", fixture("circle-b.json")], readFileSync(fixture("circle-a.json"), "utf8"));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${bottleneckDistance(a[0], b[0])}\n`);
  });
});

describe("streaming-tda distance on bad input", () => {
  const good = fixture("circle-a.json");
  const files: Array<[string, RegExp]> = [
    ["death-before-birth.json", /death-before-birth\.json: dimension 0, interval 1: death 0\.1 is before birth 0\.2/],
    ["nan-death.json", /nan-death\.json: dimension 0, interval 0: death "NaN" is not a number/],
    ["wrong-shape.json", /wrong-shape\.json: dimension 0, interval 0: expected \[birth, death\]/],
    ["truncated.json", /truncated\.json: not JSON/],
    ["missing.json", /cannot read .*missing\.json: no such file/],
  ];
  for (const [name, pattern] of files) {
    it(`rejects ${name} with one line and a non-zero exit`, () => {
      assertOneLineFailure(distance([good, fixture(name)]), pattern);
      assertOneLineFailure(distance([fixture(name), good, "--metric", "wasserstein"]), pattern);
    });
  }
  it("rejects a dimension the files do not have", () => {
    assertOneLineFailure(distance([good, good, "--dim", "2"]), /no dimension 2 \(it has dimensions 0 to 1\)/);
  });
  it("rejects unknown metrics, options that do not apply, and a missing file argument", () => {
    assertOneLineFailure(distance([good, good, "--metric", "earth"]), /--metric must be one of bottleneck, wasserstein, sliced/);
    assertOneLineFailure(distance([good, good, "--order", "2"]), /--order and --internal-p apply to --metric wasserstein/);
    assertOneLineFailure(distance([good, good, "--metric", "wasserstein", "--order", "0.5"]), /--order must be at least 1/);
    assertOneLineFailure(distance([good, good, "--metric", "sliced", "--matching"]), /sliced Wasserstein has no matching/);
    assertOneLineFailure(distance([good]), /needs two diagram files/);
  });
});

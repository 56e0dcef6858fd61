import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { assertOneLineFailure, cli } from "./helpers/cli.ts";

const root = new URL("..", import.meta.url).pathname;
const fixture = (name: string) => join(root, "test/fixtures/analytics", name);
const scratch = mkdtempSync(join(tmpdir(), "streaming-tda-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));


describe("streaming-tda features", () => {
  it("prints the vectorizations of a diagram file as JSON", () => {
    const result = cli(["features", fixture("circle-diagram.json"), "--grid", "0,2,5", "--layers", "2"]);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.deepEqual(out.grid, { min: 0, max: 2, n: 5 });
    const [h0, h1] = [out.dimensions["0"], out.dimensions["1"]];
    assert.deepEqual(h0.bettiCurve, [5, 1, 1, 1, 1]);
    assert.deepEqual(h1.bettiCurve, [0, 2, 1, 1, 0]);
    assert.equal(h0.points, 5);
    assert.equal(h0.essential, 1);
    // An essential class is infinitely far from the empty diagram.
    assert.equal(h0.amplitudes.bottleneck, "inf");
    assert.ok(Math.abs(h1.amplitudes.bottleneck - 1.15 / 2) < 1e-12);
    assert.equal(h1.landscape.layers.length, 2);
    assert.equal(h1.persistenceImage.length, 5);
    assert.equal(h1.heatKernel.length, 5);
  });

  it("reads standard input, keeps only the parts asked for, and caps essential classes", () => {
    const result = cli(["features", "-", "--only", "totalPersistence,entropy", "--dim", "0", "--infinity", "1"], readFileSync(fixture("circle-diagram.json"), "utf8"));
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(out.dimensions), ["0"]);
    assert.deepEqual(Object.keys(out.dimensions["0"]).sort(), ["dimension", "entropy", "totalPersistence"]);
    assert.ok(Math.abs(out.dimensions["0"].totalPersistence - (0.25 + 0.3 + 0.31 + 0.4 + 1)) < 1e-12);
  });

  for (const [file, pattern] of [
    ["death-before-birth.json", /death-before-birth\.json: dimension 0, interval 1: death 1\.5 is before birth 2/],
    ["wrong-shape.json", /wrong-shape\.json: dimension 0, interval 1: expected \[birth, death\]/],
    ["nan-death.json", /nan-death\.json: dimension 1, interval 0: death "NaN" is not a number/],
    ["truncated.json", /truncated\.json: not JSON/],
    ["no-such-file.json", /cannot read .*no-such-file\.json: no such file/],
  ] as const) {
    it(`rejects ${file} in one line`, () => assertOneLineFailure(cli(["features", fixture(file)]), pattern));
  }

  it("rejects a grid it cannot sample", () => {
    assertOneLineFailure(cli(["features", fixture("circle-diagram.json"), "--grid", "1,1,10"]), /--grid: min 1 must be below max 1/);
    assertOneLineFailure(cli(["features", fixture("circle-diagram.json"), "--grid", "0,1"]), /--grid must be MIN,MAX,N/);
  });
});

describe("streaming-tda embed", () => {
  it("prints delay vectors, one comma-separated point a line, that ph reads as a point cloud", () => {
    const result = cli(["embed", fixture("sine.csv"), "--column", "value", "--dimension", "3", "--delay", "9", "--stride", "4"]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.equal(lines.length, Math.floor((400 - 19) / 4) + 1);
    assert.ok(lines.every((line) => line.split(",").length === 3 && line.split(",").every((v) => Number.isFinite(Number(v)))));
    // The last point ends on the last sample.
    const samples = readFileSync(fixture("sine.csv"), "utf8").trim().split("\n").slice(1).map((l) => Number(l.split(",")[1]));
    assert.deepEqual(lines.at(-1)!.split(",").map(Number), [samples[381], samples[390], samples[399]]);
    const ph = cli(["ph", "--format", "point-cloud", "--dim", "1", "--output", "json"], result.stdout);
    assert.equal(ph.code, 0, ph.stderr);
    const h1 = JSON.parse(ph.stdout).diagrams["1"] as [number, number][];
    assert.ok(h1.some(([b, d]) => d - b > 1), "the embedded sine is a loop");
  });

  it("chooses the delay and dimension with --auto and says what it chose", () => {
    const result = cli(["embed", fixture("sine.csv"), "--column", "2", "--auto"]);
    assert.equal(result.code, 0, result.stderr);
    const chosen = /delay (\d+) .*dimension (\d+)/.exec(result.stderr);
    assert.ok(chosen, result.stderr);
    // Period 12π ≈ 37.7 samples: a quarter is about 9.
    assert.ok(Math.abs(Number(chosen[1]) - 9.4) <= 3, result.stderr);
    assert.equal(Number(chosen[2]), 2);
    assert.equal(result.stdout.trimEnd().split("\n")[0].split(",").length, 2);
  });

  it("rejects a series too short for the embedding asked for, in one line", () => {
    assertOneLineFailure(cli(["embed", fixture("short-series.csv"), "--dimension", "3", "--delay", "2"]), /short-series\.csv: series of 4 samples is too short for dimension 3 and delay 2/);
    assertOneLineFailure(cli(["embed", fixture("short-series.csv"), "--auto"]), /--auto: no delay .* fits 4 samples/);
  });

  it("rejects samples that are not numbers, and missing parameters", () => {
    assertOneLineFailure(cli(["embed", fixture("bad-series.csv"), "--dimension", "2", "--delay", "1"]), /bad-series\.csv:3: "abc" is not a number/);
    assertOneLineFailure(cli(["embed", fixture("sine.csv"), "--dimension", "2"]), /give --dimension and --delay, or --auto/);
    assertOneLineFailure(cli(["embed", fixture("sine.csv"), "--dimension", "0", "--delay", "1"]), /--dimension must be from 1/);
  });
});

describe("streaming-tda plot", () => {
  for (const kind of ["diagram", "barcode", "betti", "landscape"]) {
    it(`writes a ${kind} as SVG`, () => {
      const out = join(scratch, `${kind}.svg`);
      const result = cli(["plot", fixture("circle-diagram.json"), "--kind", kind, "-o", out, "--title", `a ${kind}`]);
      assert.equal(result.code, 0, result.stderr);
      const svg = readFileSync(out, "utf8");
      assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, /<\/svg>\n$/);
      assert.match(svg, new RegExp(`<title>a ${kind}</title>`));
    });
  }

  it("writes to standard output without -o", () => {
    const result = cli(["plot", fixture("circle-diagram.json")]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((result.stdout.match(/<circle /g) ?? []).length, 7);
  });

  it("rejects malformed diagrams and unknown kinds in one line, writing nothing", () => {
    const out = join(scratch, "never.svg");
    assertOneLineFailure(cli(["plot", fixture("death-before-birth.json"), "-o", out]), /death 1\.5 is before birth 2/);
    assert.throws(() => readFileSync(out));
    const kind = cli(["plot", fixture("circle-diagram.json"), "--kind", "pie"]);
    assertOneLineFailure(kind, /--kind must be one of diagram, barcode, betti, landscape/);
    assert.equal(kind.code, 2);
  });
});

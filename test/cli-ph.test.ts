import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CliError, formatHelp, parseArgs, readInteger, readNumber, UsageError, type CommandSpec } from "../src/service/cli/args.ts";
import { describeError } from "../src/service/cli/main.ts";
import { formatCppFloat, formatCsv, formatJson, formatRipser, shortestFloat32, visibleIntervals } from "../src/service/cli/output.ts";
import { progressLine } from "../src/service/cli/ph.ts";
import { TdaInputError, type Diagrams } from "../src/tda/types.ts";
import { datasetPath } from "../testkit/datasets.ts";
import { runOracle, skipWithout } from "../testkit/oracles.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const node = join(root, "node_modules/.bin/node");
const bin = join(root, "bin/streaming-tda.js");
const fixtures = join(root, "test/fixtures/formats");
const scratch = mkdtempSync(join(tmpdir(), "streaming-tda-ph-"));

/** Runs the real executable the way a user does. */
function cli(args: string[], stdin?: string | Uint8Array) {
  const result = spawnSync(node, [bin, ...args], { input: stdin, encoding: "utf8", env: { ...process.env, DEBUG: "" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** Asserts a failing run: the exit code, and stderr being exactly one line, no stack trace. */
function assertFails(run: ReturnType<typeof cli>, code: number, message: string): void {
  assert.equal(run.stderr, `streaming-tda: ${message}\n`);
  assert.equal(run.code, code);
  assert.equal(run.stdout, "");
}

describe("C++ float printing (precision 6, %g style)", () => {
  const cases: Array<[number, string]> = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [2, "2"],
    [0.5, "0.5"],
    [Math.fround(0.1), "0.1"],
    [Math.fround(1.81368), "1.81368"],
    [123456, "123456"],
    [1234567, "1.23457e+06"],
    [1e6, "1e+06"],
    [999999.5, "1e+06"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-5, "1.5e-05"],
    [0.000123456789, "0.000123457"],
    [1e100, "1e+100"],
    [Math.fround(1e-45), "1.4013e-45"],
    [3.4028234663852886e38, "3.40282e+38"],
    [-2.25, "-2.25"],
    // Exact ties round to even as glibc does; toPrecision would give 1.01563 and 1.23457e+06.
    [1.015625, "1.01562"],
    [1.234375, "1.23438"],
    [1234565, "1.23456e+06"],
    [1234575, "1.23458e+06"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ];
  for (const [value, text] of cases) {
    it(`${value} → ${text}`, () => assert.equal(formatCppFloat(value), text));
  }
});

describe("shortest float32 decimals for JSON and CSV", () => {
  it("prints floats with the fewest digits that read back as the same float", () => {
    assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
    assert.equal(shortestFloat32(Math.fround(1.81368)), 1.81368);
    assert.equal(shortestFloat32(16777217), 16777217); // not a float32: left alone
    assert.equal(shortestFloat32(Infinity), Infinity);
  });
});

const threeDims: Diagrams = [
  [
    [0, 2],
    [0, 0],
    [0, Infinity],
    [0, 1],
  ],
  [
    [1, 1.2],
    [3, 5],
    [2, Infinity],
    [4, 4],
  ],
  [],
];

describe("output layouts", () => {
  it("ripser: header, dimension 0 by death with the infinite class last, higher dimensions latest birth first", () => {
    const input = { type: "lower" as const, n: 4, distances: [1, 2, 3, 4, 5, Math.fround(0.1)] };
    assert.equal(
      formatRipser(threeDims, { input, usedThreshold: 4, valueRange: [Math.fround(0.1), 5], edges: 6 }, 2),
      [
        "value range: [0.1,5]",
        "distance matrix with 4 points, using threshold at enclosing radius 4",
        "persistence intervals in dim 0:",
        " [0,1)",
        " [0,2)",
        " [0, )",
        "persistence intervals in dim 1:",
        " [3,5)",
        " [2, )",
        " [1,1.2)",
        "persistence intervals in dim 2:",
        "",
      ].join("\n"),
    );
  });

  it("ripser: a threshold gives Ripser's sparse header, with its (n·n-1)/2 entry count", () => {
    const input = { type: "lower" as const, n: 4, distances: [1, 2, 3, 4, 5, 6] };
    const text = formatRipser([[[0, Infinity]]], { input, threshold: 3.5, usedThreshold: 3.5, valueRange: [1, 6], edges: 3 }, 0);
    assert.equal(text, "value range: [1,6]\nsparse distance matrix with 4 points and 3/7 entries\npersistence intervals in dim 0:\n [0, )\n");
  });

  it("ripser: sparse input, point clouds with and without a threshold, dimensions capped at n - 2", () => {
    const sparse = { type: "sparse" as const, n: 3, i: [1], j: [0], d: [2] };
    assert.equal(formatRipser([[], []], { input: sparse, usedThreshold: Infinity, valueRange: [2, 2], edges: 1 }, 1), "sparse distance matrix with 3 points and 1/3 entries\npersistence intervals in dim 0:\npersistence intervals in dim 1:\n");
    const points = { type: "points" as const, points: [0, 0, 3, 4], dimension: 2 };
    assert.equal(
      formatRipser([[[0, 5]], []], { input: points, usedThreshold: 5, valueRange: [5, 5], edges: 1 }, 3),
      "point cloud with 2 points in dimension 2\nvalue range: [5,5]\ndistance matrix with 2 points, using threshold at enclosing radius 5\npersistence intervals in dim 0:\n [0,5)\n",
    );
    assert.equal(formatRipser([[[0, 5]]], { input: points, threshold: 6, usedThreshold: 6, valueRange: [5, 5], edges: 1 }, 0), "point cloud with 2 points in dimension 2\npersistence intervals in dim 0:\n [0,5)\n");
  });

  it("--ratio keeps pairs with death > birth · ratio and every infinite one", () => {
    assert.deepEqual(visibleIntervals(threeDims, 1.5)[1], [
      [3, 5],
      [2, Infinity],
    ]);
  });

  it("json: null for an infinite death; csv: inf", () => {
    const shown = visibleIntervals(threeDims);
    assert.equal(formatJson(shown), '{"diagrams":{"0":[[0,2],[0,null],[0,1]],"1":[[1,1.2],[3,5],[2,null]],"2":[]}}\n');
    assert.equal(formatCsv(shown), "dim,birth,death\n0,0,2\n0,0,inf\n0,0,1\n1,1,1.2\n1,3,5\n1,2,inf\n");
  });
});

describe("progress on a terminal", () => {
  function recorder(isTTY: boolean) {
    const written: string[] = [];
    let clock = 0;
    const stream = { isTTY, write: (text: string) => written.push(text) };
    return { written, stream, tick: (ms: number) => (clock += ms), now: () => clock };
  }

  it("stays quiet during the first second, then redraws at most every 100 ms, and erases itself", () => {
    const r = recorder(true);
    const progress = progressLine(r.stream, r.now);
    r.tick(500);
    progress.update(1, 0.2);
    assert.deepEqual(r.written, []);
    r.tick(600);
    progress.update(1, 0.5);
    r.tick(50);
    progress.update(1, 0.6);
    r.tick(60);
    progress.update(2, 0.07);
    progress.finish();
    assert.deepEqual(r.written, ["\r\x1b[Kstreaming-tda ph: dimension 1: 50%", "\r\x1b[Kstreaming-tda ph: dimension 2: 7%", "\r\x1b[K"]);
  });

  it("prints nothing when stderr is not a terminal", () => {
    const r = recorder(false);
    const progress = progressLine(r.stream, r.now);
    r.tick(5000);
    progress.update(1, 0.5);
    progress.finish();
    assert.deepEqual(r.written, []);
  });
});

describe("option parsing", () => {
  const spec: CommandSpec = {
    name: "demo",
    summary: "a demo",
    usage: "[FILE]",
    maxPositionals: 1,
    options: [
      { name: "dim", value: "K", help: "dimension" },
      { name: "threshold", value: "T", help: "threshold" },
      { name: "fast", help: "a flag" },
    ],
  };

  it("reads --name value, --name=value, flags, - and --", () => {
    const args = parseArgs(["--dim", "2", "--threshold=1.5", "--fast", "-"], spec);
    assert.deepEqual([...args.options], [
      ["dim", "2"],
      ["threshold", "1.5"],
      ["fast", true],
    ]);
    assert.deepEqual(args.positionals, ["-"]);
    assert.deepEqual(parseArgs(["--", "--dim"], spec).positionals, ["--dim"]);
  });

  it("refuses unknown options, missing values, values on flags and extra arguments", () => {
    assert.throws(() => parseArgs(["--dimm", "2"], spec), new UsageError("demo: unknown option --dimm (see streaming-tda demo --help)"));
    assert.throws(() => parseArgs(["--dim"], spec), new UsageError("demo: option --dim needs a value K"));
    assert.throws(() => parseArgs(["--fast=yes"], spec), new UsageError("demo: option --fast takes no value"));
    assert.throws(() => parseArgs(["a", "b"], spec), new UsageError('demo: unexpected argument "b" (at most 1 expected)'));
  });

  it("checks numbers", () => {
    assert.throws(() => readInteger(parseArgs(["--dim", "-1"], spec), spec, "dim", 1, 0), new UsageError("demo: --dim must be at least 0, not -1"));
    assert.throws(() => readInteger(parseArgs(["--dim", "1.5"], spec), spec, "dim", 1, 0), new UsageError('demo: --dim must be an integer, not "1.5"'));
    assert.throws(() => readNumber(parseArgs(["--threshold", "abc"], spec), spec, "threshold", 0, true), new UsageError('demo: --threshold must be a number or inf, not "abc"'));
    assert.equal(readNumber(parseArgs(["--threshold", "inf"], spec), spec, "threshold", 0, true), Infinity);
    assert.equal(readNumber(parseArgs([], spec), spec, "threshold", 0, true), undefined);
  });

  it("lists every option in the help", () => {
    const help = formatHelp(spec);
    for (const option of ["--dim K", "--threshold T", "--fast", "--help"]) assert.ok(help.includes(option), option);
  });
});

describe("error reports", () => {
  it("input and usage errors: one line, exit 1 or the error's own code", () => {
    assert.deepEqual(describeError(new TdaInputError("in.txt:2:3: bad"), false), { text: "streaming-tda: in.txt:2:3: bad\n", exitCode: 1 });
    assert.deepEqual(describeError(new UsageError("ph: unknown option --x"), false), { text: "streaming-tda: ph: unknown option --x\n", exitCode: 2 });
    assert.deepEqual(describeError(new CliError("cannot read x\nreally"), false), { text: "streaming-tda: cannot read x really\n", exitCode: 1 });
  });

  it("a bug: one line and exit 70, the stack only with DEBUG=1", () => {
    const bug = new TypeError("x is undefined");
    assert.deepEqual(describeError(bug, false), { text: "streaming-tda: internal error: x is undefined (run with DEBUG=1 for details)\n", exitCode: 70 });
    const debug = describeError(bug, true);
    assert.equal(debug.exitCode, 70);
    assert.ok(debug.text.startsWith("streaming-tda: internal error: x is undefined\nTypeError: x is undefined\n    at "), debug.text);
  });

  it("an allocation too large is the input's size, not a bug", () => {
    const { text, exitCode } = describeError(new RangeError("Array buffer allocation failed"), false);
    assert.equal(exitCode, 1);
    assert.equal(text, "streaming-tda: not enough memory for this problem (Array buffer allocation failed): use fewer points, a lower --dim or a --threshold\n");
  });
});

describe("streaming-tda ph, end to end", () => {
  it("--collapse prints the same barcodes, byte for byte", () => {
    for (const [dataset, args, expected] of [
      ["projective_plane.lower_distance_matrix", ["--dim", "2"], "projective_plane.dim2.ripser.txt"],
      ["random16.lower_distance_matrix", ["--dim", "3", "--threshold", "60"], "random16.dim3.threshold60.ripser.txt"],
    ] as const) {
      const run = cli(["ph", "--format", "lower-distance", "--collapse", ...args, datasetPath(dataset)]);
      assert.equal(run.stderr, "");
      assert.equal(run.stdout, readFileSync(join(fixtures, expected), "utf8"));
    }
  });

  // Stored output of Debian's ripser 1.2.1, so the CLI's format is checked without the oracle too.
  const storedOutputs = [
    ["projective_plane.lower_distance_matrix", ["--dim", "2"], "projective_plane.dim2.ripser.txt"],
    ["random16.lower_distance_matrix", ["--dim", "2"], "random16.dim2.ripser.txt"],
    ["random16.lower_distance_matrix", ["--dim", "3", "--threshold", "60"], "random16.dim3.threshold60.ripser.txt"],
  ] as const;
  for (const [dataset, args, expected] of storedOutputs) {
    it(`prints Ripser's output byte for byte: ${dataset} ${args.join(" ")}`, () => {
      const run = cli(["ph", "--format", "lower-distance", ...args, datasetPath(dataset)]);
      assert.equal(run.stderr, "");
      assert.equal(run.code, 0);
      assert.equal(run.stdout, readFileSync(join(fixtures, expected), "utf8"));
    });
  }

  it("the stored outputs are what ripser prints today", { skip: skipWithout("ripser") }, () => {
    for (const [dataset, args, expected] of storedOutputs) {
      const live = runOracle("ripser", ["--format", "lower-distance", ...args, datasetPath(dataset)]);
      assert.equal(live, readFileSync(join(fixtures, expected), "utf8"), `${dataset} ${args.join(" ")}`);
    }
  });

  it("reads the same input in other formats: point cloud from stdin, json output", () => {
    // Four corners of a 3×4 rectangle: edges 3 and 4 join them, diagonals 5 close a square cycle.
    const run = cli(["ph", "-", "--format", "point", "--output", "json"], "0,0\n3,0\n3,4\n0,4\n");
    assert.equal(run.stderr, "");
    assert.equal(run.stdout, '{"diagrams":{"0":[[0,3],[0,3],[0,4],[0,null]],"1":[[4,5]]}}\n');
  });

  it("binary input through the CLI, csv output", () => {
    const view = new DataView(new ArrayBuffer(24));
    [3, 4, 5, 5, 4, 3].forEach((d, k) => view.setFloat32(k * 4, d, true));
    const run = cli(["ph", file("rectangle.bin", new Uint8Array(view.buffer)), "--format", "binary", "--output", "csv"]);
    assert.equal(run.stderr, "");
    assert.equal(run.stdout, "dim,birth,death\n0,0,3\n0,0,3\n0,0,4\n0,0,inf\n1,4,5\n");
  });

  it("agrees with ripser on a sparse matrix and on a thresholded point cloud", { skip: skipWithout("ripser") }, () => {
    const cases = [
      ["--format", "sparse", "--dim", "2", file("cycle.sparse", "0 1 1\n1 2 1\n2 3 1\n3 0 1\n0 2 2\n")],
      ["--format", "point-cloud", "--threshold", "4.5", file("rectangle.csv", "0,0\n3,0\n3,4\n0,4\n")],
    ];
    for (const args of cases) assert.equal(cli(["ph", ...args]).stdout, runOracle("ripser", args), args.join(" "));
  });

  it("help for the program and for ph", () => {
    const top = cli(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^ {2}ph {2,}persistence barcodes/m);
    const ph = cli(["ph", "--help"]);
    assert.equal(ph.code, 0);
    for (const option of ["--format F", "--dim K", "--threshold T", "--modulus P", "--ratio R", "--output O"]) assert.ok(ph.stdout.includes(option), option);
  });
});

describe("streaming-tda ph, failures: one line, no stack trace, non-zero exit", () => {
  it("a non-numeric token names file, line and column", () => {
    const path = file("bad-token.txt", "1\n2 x3\n");
    assertFails(cli(["ph", path]), 1, `${path}:2:3: "x3" is not a number`);
  });

  it("ragged point cloud from stdin", () => {
    assertFails(cli(["ph", "--format", "point-cloud"], "1 2\n3\n"), 1, "<stdin>:2:2: point 2 has 1 coordinates but point 1 has 2");
  });

  it("a lower triangle with the wrong count", () => {
    assertFails(cli(["ph", "-"], "1 2 3 4\n"), 1, "<stdin>:1:8: 4 values do not fill a lower-triangular distance matrix: n points take n(n-1)/2 values (3 values for 3 points or 6 for 4)");
  });

  it("a bad DIPHA magic number names the byte", () => {
    const path = file("bad.dipha", new Uint8Array(32));
    assertFails(cli(["ph", path, "--format", "dipha"]), 1, `${path}: byte 0: not a DIPHA file: the magic number is 0, not 8067171840`);
  });

  it("binary bytes read as text", () => {
    assertFails(cli(["ph", "--format", "lower"], new Uint8Array([1, 0, 0, 0])), 1, "<stdin>: contains NUL bytes, so it is not UTF-8 text; binary input needs --format dipha or --format binary");
  });

  it("empty input", () => assertFails(cli(["ph"], ""), 1, "<stdin>: empty input: no values found"));
  it("a missing file", () => assertFails(cli(["ph", join(scratch, "nope.txt")]), 1, `cannot read ${join(scratch, "nope.txt")}: no such file`));
  it("an unknown option exits 2", () => assertFails(cli(["ph", "--dimension", "2"]), 2, "ph: unknown option --dimension (see streaming-tda ph --help)"));
  it("an unknown command exits 2, listing the commands --help lists", () => {
    const listed = helpCommands();
    assert.ok(listed.includes("ph") && listed.length > 1, `commands in --help: ${listed.join(", ")}`);
    assertFails(cli(["persistence"]), 2, `unknown command "persistence"; commands: ${listed.join(", ")} (see streaming-tda --help)`);
  });
  it("an unknown format", () => assertFails(cli(["ph", "--format", "csv"], "1"), 2, 'ph: --format must be one of lower-distance, upper-distance, distance, point-cloud, dipha, sparse, binary; not "csv"'));
  it("a modulus that is not prime", () => assertFails(cli(["ph", "--modulus", "4"], "1"), 2, "ph: --modulus must be a prime, not 4"));
  it("a negative dimension", () => assertFails(cli(["ph", "--dim", "-1"], "1"), 2, "ph: --dim must be at least 0, not -1"));
  it("a threshold that is not a number", () => assertFails(cli(["ph", "--threshold", "big"], "1"), 2, 'ph: --threshold must be a number or inf, not "big"'));
});

/** The commands `streaming-tda --help` lists, in its order: the list grows as commands are added. */
function helpCommands(): string[] {
  const help = cli(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  const section = help.stdout.split(/^Commands:\n/m)[1] ?? "";
  return [...section.matchAll(/^ {2}([\w-]+) {2,}\S/gm)].map((m) => m[1]);
}

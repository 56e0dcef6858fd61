import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diagramsFromJson, diagramsToJson, parseRipsInput, resolveFormatName, type InputFormat } from "../src/tda/formats.ts";
import { inverseMod } from "../src/tda/rips/modular.ts";
import { TdaInputError, type RipsInput } from "../src/tda/types.ts";

/**
 * One 4-point metric written in every format: d(1,0)=1, d(2,0)=2, d(2,1)=3, d(3,0)=4,
 * d(3,1)=5, d(3,2)=6. Every reader must produce exactly this compressed lower triangle.
 */
const LOWER = [1, 2, 3, 4, 5, 6];
const FULL = [
  [0, 1, 2, 4],
  [1, 0, 3, 5],
  [2, 3, 0, 6],
  [4, 5, 6, 0],
];

function lowerOf(input: RipsInput): { n: number; distances: number[] } {
  assert.ok(!Array.isArray(input) && input.type === "lower", `expected a lower matrix, got ${JSON.stringify(input)}`);
  return { n: input.n, distances: Array.from(input.distances) };
}

function diphaBytes(matrix: number[][], overrides: { magic?: bigint; type?: bigint; n?: bigint; extraBytes?: number } = {}): Uint8Array {
  const n = matrix.length;
  const view = new DataView(new ArrayBuffer(24 + n * n * 8 + (overrides.extraBytes ?? 0)));
  view.setBigInt64(0, overrides.magic ?? 8067171840n, true);
  view.setBigInt64(8, overrides.type ?? 7n, true);
  view.setBigInt64(16, overrides.n ?? BigInt(n), true);
  matrix.flat().forEach((value, k) => view.setFloat64(24 + k * 8, value, true));
  return new Uint8Array(view.buffer);
}

function float32Bytes(values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((value, k) => view.setFloat32(k * 4, value, true));
  return new Uint8Array(view.buffer);
}

/** Asserts that reading fails with exactly this one-line message. */
function rejects(format: InputFormat, data: string | Uint8Array, message: string): void {
  assert.throws(
    () => parseRipsInput(format, data, "in.txt"),
    (error: unknown) => {
      assert.ok(error instanceof TdaInputError, `expected a TdaInputError, got ${String(error)}`);
      assert.equal(error.message, message);
      assert.ok(!error.message.includes("\n"));
      return true;
    },
  );
}

describe("text separators, as Ripser reads them", () => {
  const spellings = {
    whitespace: "1\n2 3\n4 5 6\n",
    "comma-separated": "1\n2,3\n4,5,6\n",
    "comma and space": "1\n2, 3\n4, 5, 6",
    "trailing commas, as in Ripser's examples": " 1,\n 2, 3,\n 4, 5, 6,\n",
    "tabs and CRLF line ends": "1\r\n2\t3\r\n4\t5\t6\r\n",
    "one line": "1 2 3 4 5 6",
    "a leading blank line, as in Ripser's lower_distance_matrix files": "\n1\n2,3\n4,5,6\n",
    "a space before the comma": "1 ,2 , 3 ,4,5,6",
    "a byte order mark": "\uFEFF1,2,3,4,5,6",
    "exponents, signs and bare points": "1e0 +2 .3e1 4. 0.5e1 6.000",
  };
  for (const [what, text] of Object.entries(spellings)) {
    it(`reads ${what}`, () => {
      assert.deepEqual(lowerOf(parseRipsInput("lower-distance", text, "in.txt")), { n: 4, distances: LOWER });
    });
  }
});

describe("every format reads to the same numbers", () => {
  it("lower-distance", () => {
    assert.deepEqual(lowerOf(parseRipsInput("lower-distance", "1\n2 3\n4 5 6\n", "m")), { n: 4, distances: LOWER });
  });

  it("upper-distance: row i holds d(i, i+1) … d(i, n-1)", () => {
    assert.deepEqual(lowerOf(parseRipsInput("upper-distance", "1 2 4\n3 5\n6\n", "m")), { n: 4, distances: LOWER });
  });

  it("distance: the full square matrix", () => {
    const text = FULL.map((row) => row.join(",")).join("\n");
    assert.deepEqual(lowerOf(parseRipsInput("distance", text, "m")), { n: 4, distances: LOWER });
  });

  it("distance: a lower triangle with its diagonal, which Ripser's reader also takes", () => {
    assert.deepEqual(lowerOf(parseRipsInput("distance", "0\n1,0\n2,3,0\n4,5,6,0\n", "m")), { n: 4, distances: LOWER });
  });

  it("dipha: int64 header and float64 matrix, little-endian", () => {
    assert.deepEqual(lowerOf(parseRipsInput("dipha", diphaBytes(FULL), "m")), { n: 4, distances: LOWER });
  });

  it("binary: the lower triangle as little-endian float32", () => {
    assert.deepEqual(lowerOf(parseRipsInput("binary", float32Bytes(LOWER), "m")), { n: 4, distances: LOWER });
  });

  it("binary keeps float32 values exactly (0.1 is the float nearest 0.1)", () => {
    const { distances } = lowerOf(parseRipsInput("binary", float32Bytes([0.1]), "m"));
    assert.equal(distances[0], Math.fround(0.1));
  });

  it("sparse: triplets i j d, n is the largest index plus one", () => {
    const input = parseRipsInput("sparse", "1 0 1\n2 0 2\n2,1,3\n3 0 4\n\n3 1 5\n3 2 6\n", "m");
    assert.ok(!Array.isArray(input) && input.type === "sparse");
    assert.equal(input.n, 4);
    const pairs = Array.from(input.d, (d, k) => [input.i[k], input.j[k], d]);
    assert.deepEqual(pairs, [
      [1, 0, 1],
      [2, 0, 2],
      [2, 1, 3],
      [3, 0, 4],
      [3, 1, 5],
      [3, 2, 6],
    ]);
  });

  it("sparse: isolated high indices count as points; a pair listed both ways counts once; i i 0 is skipped", () => {
    const input = parseRipsInput("sparse", "0 1 0.5\n1 0 0.5\n2 2 0\n7 3 2\n", "m");
    assert.ok(!Array.isArray(input) && input.type === "sparse");
    assert.equal(input.n, 8);
    assert.deepEqual(Array.from(input.d), [0.5, 2]);
  });

  it("point-cloud: one point per line, commas or whitespace, blank lines skipped", () => {
    const input = parseRipsInput("point-cloud", "0,0,1\n\n1.5 -2 3e-1\n-0.25,\t4,5,\n", "m");
    assert.ok(!Array.isArray(input) && input.type === "points");
    assert.equal(input.dimension, 3);
    assert.deepEqual(Array.from(input.points), [0, 0, 1, 1.5, -2, 0.3, -0.25, 4, 5]);
  });

  it("a single point is a valid point cloud", () => {
    const input = parseRipsInput("point-cloud", "3 4\n", "m");
    assert.ok(!Array.isArray(input) && input.type === "points");
    assert.deepEqual([input.dimension, Array.from(input.points)], [2, [3, 4]]);
  });

  it("-0 reads as 0 in a distance matrix", () => {
    assert.ok(Object.is(lowerOf(parseRipsInput("lower-distance", "-0", "m")).distances[0], 0));
  });

  it("values that underflow a float are kept (the engine rounds them to 0, as Ripser does)", () => {
    assert.deepEqual(lowerOf(parseRipsInput("lower-distance", "1e-50", "m")).distances, [1e-50]);
  });
});

describe("format names", () => {
  it("accepts full names and Ripser's abbreviations", () => {
    assert.equal(resolveFormatName("lower-distance"), "lower-distance");
    assert.equal(resolveFormatName("lower"), "lower-distance");
    assert.equal(resolveFormatName("upper"), "upper-distance");
    assert.equal(resolveFormatName("dist"), "distance");
    assert.equal(resolveFormatName("point"), "point-cloud");
    assert.equal(resolveFormatName("dipha"), "dipha");
  });

  it("refuses unknown and ambiguous names", () => {
    assert.equal(resolveFormatName("d"), undefined);
    assert.equal(resolveFormatName("csv"), undefined);
    assert.equal(resolveFormatName(""), undefined);
  });
});

describe("bad text input names file, line and column", () => {
  it("a non-numeric token", () => rejects("lower-distance", "1\n2 abc\n", 'in.txt:2:3: "abc" is not a number'));
  it("a CSV header line", () => rejects("point-cloud", "x,y\n1,2\n", 'in.txt:1:1: "x" is not a number'));
  it("a number glued to other text", () => rejects("lower-distance", "1 2;3", 'in.txt:1:3: "2;3" is not a number'));
  it("hexadecimal, which C++ streams do not read", () => rejects("lower-distance", "0x10", 'in.txt:1:1: "0x10" is not a number'));
  it("NaN", () => rejects("point-cloud", "1 2\n3 nan\n", 'in.txt:2:3: NaN ("nan") is not allowed'));
  it("an infinite value", () => rejects("lower-distance", "1\n-Infinity", 'in.txt:2:1: infinite value "-Infinity" is not allowed'));
  it("a value too large for a float", () => rejects("lower-distance", "1e39", "in.txt:1:1: 1e39 is too large for a 32-bit float (largest: 3.40282e+38)"));
  it("an empty field between commas", () => rejects("point-cloud", "1,2,3\n4,,5\n", "in.txt:2:3: empty value between two commas"));
  it("a comma opening a line", () => rejects("lower-distance", "1,\n,2,3", "in.txt:2:1: comma before the first value of the line"));
  it("empty input", () => rejects("lower-distance", " \n\n", "in.txt: empty input: no values found"));
  it("empty point cloud", () => rejects("point-cloud", "", "in.txt: empty input: no values found"));

  it("ragged rows in a point cloud: too many coordinates, at the extra one", () =>
    rejects("point-cloud", "1 2\n3 4\n5 6 7\n", "in.txt:3:5: point 3 has 3 coordinates but point 1 has 2"));
  it("ragged rows in a point cloud: too few, at the end of the line", () =>
    rejects("point-cloud", "1 2 3\n4 5\r\n", "in.txt:2:4: point 2 has 2 coordinates but point 1 has 3"));

  it("a negative distance", () => rejects("lower-distance", "1\n-2 3\n", "in.txt:2:1: negative distance -2"));
  it("a negative distance in an upper triangle", () => rejects("upper-distance", "1 2 3 4 5 -6", "in.txt:1:11: negative distance -6"));

  it("a lower triangle whose count is not n(n-1)/2", () =>
    rejects("lower-distance", "1\n2 3\n4 5\n", "in.txt:3:4: 5 values do not fill a lower-triangular distance matrix: n points take n(n-1)/2 values (3 values for 3 points or 6 for 4)"));
  it("a full matrix read as a lower triangle gets a hint", () =>
    rejects(
      "lower-distance",
      "0 1 2\n1 0 3\n2 3 0\n",
      'in.txt:3:6: 9 values do not fill a lower-triangular distance matrix: n points take n(n-1)/2 values (6 values for 4 points or 10 for 5); it looks like a full 3×3 matrix: read it as "distance"',
    ));
  it("an upper triangle whose count is not n(n-1)/2", () =>
    rejects("upper-distance", "1 2", "in.txt:1:4: 2 values do not fill an upper-triangular distance matrix: n points take n(n-1)/2 values (1 value for 2 points or 3 for 3)"));

  it("a full matrix with a row too long", () => rejects("distance", "0 1\n1 0 5\n", "in.txt:2:5: row 2 has 3 values but row 1 has 2: a full distance matrix is square"));
  it("a full matrix with a row too short", () => rejects("distance", "0 1 2\n1 0\n2 3 0\n", "in.txt:2:4: row 2 has 2 values but row 1 has 3: a full distance matrix is square"));
  it("a full matrix with too few rows", () => rejects("distance", "0 1 2\n1 0 3\n", "in.txt:2:6: only 2 rows of 3 values: a full distance matrix is square (3 rows)"));
  it("a full matrix with too many rows", () => rejects("distance", "0 1\n1 0\n2 3\n", "in.txt:3:1: row 3 is one too many: rows of 2 values make a 2×2 matrix"));
  it("a full matrix with a nonzero diagonal", () =>
    rejects("distance", "0 1 2\n1 0.5 3\n2 3 0\n", "in.txt:2:3: diagonal entry (2, 2) is 0.5, not 0: a point is at distance 0 from itself"));
  it("an asymmetric full matrix, at the entry above the diagonal", () =>
    rejects("distance", "0 1 2\n1 0 3\n2 4 0\n", "in.txt:2:5: entry (2, 3) is 3 but entry (3, 2) is 4: a distance matrix is symmetric"));
  it("a lower triangle read as a full matrix gets a hint", () =>
    rejects("distance", "\n1\n2 3\n4 5 6\n", 'in.txt:2:1: row lengths grow 1, 2, 3, …: this looks like a lower triangle without its diagonal; read it as "lower-distance", not as a full "distance" matrix'));
  it("a lower triangle with its diagonal read as lower-distance would gain a point: refused", () =>
    rejects("lower-distance", "0\n1 0\n2 3 0\n4 5 6 0\n", 'in.txt:1:1: rows grow 1, 2, 3, … and each ends in 0: this looks like a lower triangle with its diagonal; read it as "distance", or leave the diagonal out'));

  it("sparse: a negative index", () => rejects("sparse", "0 1 1\n-1 2 1\n", "in.txt:2:1: point index -1 is negative: points are numbered from 0"));
  it("sparse: an index that is not an integer", () => rejects("sparse", "0 1.5 1\n", "in.txt:1:3: point index 1.5 is not an integer"));
  it("sparse: a negative distance", () => rejects("sparse", "0 1 -1\n", "in.txt:1:5: negative distance -1"));
  it("sparse: two values on a line", () => rejects("sparse", "0 1 1\n1 2\n", 'in.txt:2:4: expected three values "i j d" on a line, found 2'));
  it("sparse: four values on a line", () => rejects("sparse", "0 1 1 9\n", 'in.txt:1:7: expected three values "i j d" on a line, found 4'));
  it("sparse: a point at a nonzero distance from itself", () => rejects("sparse", "2 2 1\n", "in.txt:1:5: distance 1 from point 2 to itself: it must be 0"));
  it("sparse: one pair with two distances", () =>
    rejects("sparse", "0 1 1\n1 0 2\n", "in.txt:2:5: points 1 and 0 are listed again with distance 2; the first time it was 1"));
});

describe("bad binary input names the byte offset", () => {
  it("dipha: wrong magic number", () =>
    rejects("dipha", diphaBytes(FULL, { magic: 42n }), "in.txt: byte 0: not a DIPHA file: the magic number is 42, not 8067171840"));
  it("dipha: not a distance matrix", () => rejects("dipha", diphaBytes(FULL, { type: 1n }), "in.txt: byte 8: DIPHA file type 1 is not a distance matrix (type 7)"));
  it("dipha: a size that does not fit the file", () =>
    rejects("dipha", diphaBytes(FULL, { n: 5n }), "in.txt: byte 16: DIPHA matrix size 5 does not fit the file: 5×5 float64 entries take 200 bytes after the header, found 128; the 128 bytes after the header hold a 4×4 matrix"));
  it("dipha: trailing bytes", () =>
    rejects("dipha", diphaBytes(FULL, { extraBytes: 3 }), "in.txt: byte 16: DIPHA matrix size 4 does not fit the file: 4×4 float64 entries take 128 bytes after the header, found 131"));
  it("dipha: a truncated header", () =>
    rejects("dipha", diphaBytes(FULL).slice(0, 20), "in.txt: byte 20: file ends inside the DIPHA header (24 bytes: magic number, file type, size)"));
  it("dipha: NaN, at its byte offset", () => {
    const matrix = FULL.map((row) => row.slice());
    matrix[1][2] = NaN;
    rejects("dipha", diphaBytes(matrix), `in.txt: byte ${24 + (1 * 4 + 2) * 8}: NaN is not allowed`);
  });
  it("dipha: a negative distance", () => {
    const matrix = FULL.map((row) => row.slice());
    matrix[3][0] = -4;
    rejects("dipha", diphaBytes(matrix), `in.txt: byte ${24 + 3 * 4 * 8}: negative distance -4`);
  });
  it("dipha: asymmetric", () => {
    const matrix = FULL.map((row) => row.slice());
    matrix[0][3] = 9;
    rejects("dipha", diphaBytes(matrix), `in.txt: byte ${24 + 3 * 8}: entry (1, 4) is 9 but entry (4, 1) is 4: a distance matrix is symmetric`);
  });
  it("dipha: empty", () => rejects("dipha", new Uint8Array(0), "in.txt: empty input: no bytes"));

  it("binary: not a whole number of floats", () => rejects("binary", new Uint8Array(13), "in.txt: byte 12: 13 bytes is not a whole number of float32 values (4 bytes each)"));
  it("binary: a count that is not n(n-1)/2", () =>
    rejects("binary", float32Bytes([1, 2, 3, 4, 5]), "in.txt: byte 20: 5 float32 values do not fill a lower-triangular distance matrix: n points take n(n-1)/2 values (3 for 3 points or 6 for 4)"));
  it("binary: infinity", () => rejects("binary", float32Bytes([1, Infinity, 3]), "in.txt: byte 4: infinite value Infinity is not allowed"));
  it("binary: a negative distance", () => rejects("binary", float32Bytes([1, 2, -3]), "in.txt: byte 8: negative distance -3"));
  it("binary: empty", () => rejects("binary", new Uint8Array(0), "in.txt: empty input: no bytes"));
});

describe("diagram JSON", () => {
  it("writes an infinite death as null, keeps every interval and dimension in order, and reads back", () => {
    const diagrams = [[[0, 0.5], [0, 1.25], [0, Infinity]], [], [[0.75, 2]]] as Array<Array<[number, number]>>;
    const json = diagramsToJson(diagrams);
    assert.deepEqual(json, { "0": [[0, 0.5], [0, 1.25], [0, null]], "1": [], "2": [[0.75, 2]] });
    assert.equal(JSON.stringify(json), '{"0":[[0,0.5],[0,1.25],[0,null]],"1":[],"2":[[0.75,2]]}');
    assert.deepEqual(diagramsFromJson(json), diagrams);
    // The diagrams themselves are left as they were (finite intervals are shared, not rewritten).
    assert.deepEqual(diagrams[0][2], [0, Infinity]);
    assert.equal(json["0"][0], diagrams[0][0]);
  });
});

describe("inverses modulo a prime", () => {
  it("a·a⁻¹ ≡ 1 for every unit of small primes and for units of a large one", () => {
    for (const p of [2, 3, 5, 7, 11, 13, 65521]) {
      const units = p < 100 ? Array.from({ length: p - 1 }, (_, i) => i + 1) : [1, 2, 3, 1000, 65519, 65520];
      for (const a of units) assert.equal((a * inverseMod(a, p)) % p, 1, `${a} mod ${p}`);
    }
  });
});

import { diagramsToJson } from "../../tda/formats.ts";
import type { Diagrams, Interval, RipsInput } from "../../tda/types.ts";

/*
 * The three layouts of `ph`'s output: Ripser's text (so that the two tools' outputs diff
 * clean), JSON as on the wire, and CSV. All show the same intervals (`visibleIntervals`).
 */

// ---------------------------------------------------------------------------------------
// C++ float printing

/**
 * Numbers printed the way C++'s `std::cout << x` prints them by default (precision 6, the
 * `%g` style): 6 significant digits, rounded from the exact binary value with ties to even,
 * trailing zeros removed, and exponent notation below 1e-4 or from 1e6 on (`1e+06`, `1.5e-05`).
 *
 * `Number.prototype.toPrecision` is not enough: it breaks exact ties upwards (1.015625 gives
 * 1.01563 where C++ prints 1.01562), and such ties are common among 32-bit floats.
 */
export function formatCppFloat(x: number, precision = 6): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const { digits, exponent } = roundSignificant(exactDecimal(Math.abs(x)), precision);
  if (exponent < -4 || exponent >= precision) {
    const fraction = stripZeros(digits.slice(1));
    const exponentDigits = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0]}${fraction ? `.${fraction}` : ""}e${exponent < 0 ? "-" : "+"}${exponentDigits}`;
  }
  if (exponent >= 0) {
    const fraction = stripZeros(digits.slice(exponent + 1));
    return `${sign}${digits.slice(0, exponent + 1)}${fraction ? `.${fraction}` : ""}`;
  }
  return `${sign}0.${stripZeros("0".repeat(-exponent - 1) + digits)}`;
}

/** A positive decimal: its significant digits and the power of ten of the first one. */
interface Decimal {
  digits: string;
  exponent: number;
}

/** The exact decimal expansion of a positive finite double (every double has one). */
function exactDecimal(x: number): Decimal {
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(bits.getUint32(4));
  let power: number;
  if (biased === 0) {
    power = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    power = biased - 1075;
  }
  // x = mantissa · 2^power = mantissa · 5^-power · 10^power when power < 0.
  const scaled = power >= 0 ? mantissa << BigInt(power) : mantissa * 5n ** BigInt(-power);
  const raw = scaled.toString();
  const tenPower = power >= 0 ? 0 : power;
  const digits = raw.replace(/0+$/, "");
  return { digits, exponent: raw.length - 1 + tenPower };
}

/** Rounds to `precision` significant digits, ties to even, as glibc's printf does. */
function roundSignificant({ digits, exponent }: Decimal, precision: number): Decimal {
  if (digits.length <= precision) return { digits: digits.padEnd(precision, "0"), exponent };
  const kept = digits.slice(0, precision);
  const first = digits.charCodeAt(precision) - 48;
  const restNonzero = /[1-9]/.test(digits.slice(precision + 1));
  const lastOdd = (kept.charCodeAt(precision - 1) - 48) % 2 === 1;
  const up = first > 5 || (first === 5 && (restNonzero || lastOdd));
  if (!up) return { digits: kept, exponent };
  const bumped = (BigInt(kept) + 1n).toString();
  // 999999 → 1000000: one more digit, one power of ten higher.
  return bumped.length > precision ? { digits: bumped.slice(0, precision), exponent: exponent + 1 } : { digits: bumped, exponent };
}

function stripZeros(fraction: string): string {
  return fraction.replace(/0+$/, "");
}

// ---------------------------------------------------------------------------------------
// Ripser's text layout

/** What the header lines of Ripser's output say about the input and the complex. */
export interface RipserHeaderFacts {
  input: RipsInput;
  /** The threshold asked for (`--threshold`), if any. */
  threshold?: number;
  /** The threshold the engine used: the enclosing radius when none was asked for. */
  usedThreshold: number;
  /** Smallest and largest distance in the input, and the edges within the threshold: as the engine found them. */
  valueRange: [number, number];
  edges: number;
}

/** Largest finite float32: Ripser's "no threshold given" marker. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Ripser's output, line for line: the header lines it prints for each kind of input (quirks
 * included, such as `(n·n - 1)/2` as the entry count of a thresholded matrix), then
 * `persistence intervals in dim k:` and one ` [birth,death)` or ` [birth, )` line per interval.
 * Dimensions stop at n - 2, as Ripser's do.
 */
export function formatRipser(diagrams: Diagrams, facts: RipserHeaderFacts, maxDim: number, ratio = 1): string {
  const lines = ripserHeader(facts);
  const n = pointCount(facts.input);
  const lastDim = Math.max(0, Math.min(maxDim, n - 2));
  const shown = visibleIntervals(diagrams, ratio);
  for (let dim = 0; dim <= lastDim; dim++) {
    lines.push(`persistence intervals in dim ${dim}:`);
    for (const [birth, death] of ripserOrder(shown[dim] ?? [], dim)) {
      lines.push(Number.isFinite(death) ? ` [${formatCppFloat(birth)},${formatCppFloat(death)})` : ` [${formatCppFloat(birth)}, )`);
    }
  }
  return lines.join("\n") + "\n";
}

function ripserHeader({ input, threshold, usedThreshold, valueRange, edges }: RipserHeaderFacts): string[] {
  const lines: string[] = [];
  const n = pointCount(input);
  const thresholded = threshold !== undefined;
  if (!Array.isArray(input) && input.type === "sparse") {
    return [`sparse distance matrix with ${n} points and ${input.i.length}/${(n * (n - 1)) / 2} entries`];
  }
  const dimension = pointDimension(input);
  if (dimension !== undefined) {
    lines.push(`point cloud with ${n} points in dimension ${dimension}`);
    // With a threshold Ripser goes straight to a sparse matrix and says nothing more.
    if (thresholded && Math.fround(threshold) < FLOAT32_MAX) return lines;
  }
  lines.push(`value range: [${formatCppFloat(valueRange[0])},${formatCppFloat(valueRange[1])}]`);
  if (thresholded) {
    lines.push(`sparse distance matrix with ${n} points and ${edges}/${Math.floor((n * n - 1) / 2)} entries`);
  } else {
    lines.push(`distance matrix with ${n} points, using threshold at enclosing radius ${formatCppFloat(usedThreshold)}`);
  }
  return lines;
}

function pointCount(input: RipsInput): number {
  if (Array.isArray(input)) return input.length;
  if (input.type === "points") return input.points.length / input.dimension;
  return input.n;
}

/** Coordinates per point of a point cloud; undefined for a distance matrix. */
function pointDimension(input: RipsInput): number | undefined {
  if (Array.isArray(input)) return input[0]?.length ?? 0;
  return input.type === "points" ? input.dimension : undefined;
}

/**
 * Ripser's order: dimension 0 by death, the infinite class last; higher dimensions by birth,
 * latest first. The sort is stable, so the engine's order among equal births stays.
 */
function ripserOrder(intervals: Interval[], dim: number): Interval[] {
  const sorted = intervals.slice();
  if (dim === 0) sorted.sort((a, b) => a[1] - b[1] || 0);
  else sorted.sort((a, b) => b[0] - a[0]);
  return sorted;
}

// ---------------------------------------------------------------------------------------
// Filtering shared by every output

/**
 * The intervals Ripser would print: in dimension 0 those that do not die at 0, above it
 * those with death > birth · ratio (in float32, as Ripser compares) and every infinite one.
 */
export function visibleIntervals(diagrams: Diagrams, ratio = 1): Diagrams {
  const r = Math.fround(ratio);
  return diagrams.map((intervals, dim) =>
    intervals.filter(([birth, death]) => {
      if (!Number.isFinite(death)) return true;
      return dim === 0 ? death !== 0 : death > Math.fround(birth * r);
    }),
  );
}

// ---------------------------------------------------------------------------------------
// JSON and CSV

/**
 * The shortest decimal that reads back as the same 32-bit float, for values that are floats
 * (the engine's are): 0.1 rather than 0.10000000149011612. Other values stay as they are.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || Math.fround(x) !== x) return x;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

/** `{"diagrams": {"0": [[b, d], …], …}}` with null for an infinite death, and a newline. */
export function formatJson(diagrams: Diagrams): string {
  const rounded = diagrams.map((intervals) => intervals.map(([b, d]): Interval => [shortestFloat32(b), shortestFloat32(d)]));
  return `${JSON.stringify({ diagrams: diagramsToJson(rounded) })}\n`;
}

/** A header `dim,birth,death`, then a row per interval, `inf` for an infinite death. */
export function formatCsv(diagrams: Diagrams): string {
  const rows = ["dim,birth,death"];
  diagrams.forEach((intervals, dim) => {
    for (const [birth, death] of intervals) {
      rows.push(`${dim},${shortestFloat32(birth)},${Number.isFinite(death) ? shortestFloat32(death) : "inf"}`);
    }
  });
  return rows.join("\n") + "\n";
}

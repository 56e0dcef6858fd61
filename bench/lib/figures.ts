/** The value of `--name=value` on the command line, if given. */
export function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/**
 * The whole number given as `--name=N`, or `fallback` when it is not given. A value that is
 * not a whole number ≥ `min` ends the bench (exit 2) with a line naming the option, `what`
 * it counts and the value given.
 */
export function integerOption(bench: string, name: string, min: number, what: string, fallback: number): number;
export function integerOption(bench: string, name: string, min: number, what: string): number | undefined;
export function integerOption(bench: string, name: string, min: number, what: string, fallback?: number): number | undefined {
  const given = option(name);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (!(Number.isInteger(value) && value >= min)) {
    console.error(`${bench}: --${name}: expected a whole number of ${what} ≥ ${min}, got ${JSON.stringify(given)}`);
    process.exit(2);
  }
  return value;
}

/** Rounded; null for a figure that could not be measured (NaN). */
export function round(x: number, digits = 0): number {
  if (Number.isNaN(x)) return null as unknown as number;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

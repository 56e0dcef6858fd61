/** The value of `--name=value` on the command line, if given. */
export function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Rounded; null for a figure that could not be measured (NaN). */
export function round(x: number, digits = 0): number {
  if (Number.isNaN(x)) return null as unknown as number;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

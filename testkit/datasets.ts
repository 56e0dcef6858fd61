/**
 * Ripser's example datasets (from its repository, MIT licence), kept here for the tests
 * and benchmarks that compare against it.
 */
export function datasetPath(name: string): string {
  return new URL(`datasets/${name}`, import.meta.url).pathname;
}

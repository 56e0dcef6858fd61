import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * For the A/B benches: the module at `file` (a path within the project) of two checkouts,
 * BEFORE_DIR and AFTER_DIR from the command line (AFTER_DIR defaults to this one). Exits 2
 * with `usage` when the arguments are wrong, or naming the folder that is not a checkout.
 */
export async function loadFromCheckouts<T>(bench: string, usage: string, file: string): Promise<{ before: T; after: T; beforeDir: string; afterDir: string }> {
  const dirs = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (dirs.length < 1 || dirs.length > 2) {
    console.error(`usage: npm run ${bench} -- ${usage}`);
    process.exit(2);
  }
  const [beforeDir, afterDir] = [resolve(dirs[0]), resolve(dirs[1] ?? new URL("../..", import.meta.url).pathname)];
  for (const dir of [beforeDir, afterDir]) {
    if (!existsSync(resolve(dir, file))) {
      console.error(`${bench}: ${dir} has no ${file}; give a checkout of this project`);
      process.exit(2);
    }
  }
  return { before: (await import(resolve(beforeDir, file))) as T, after: (await import(resolve(afterDir, file))) as T, beforeDir, afterDir };
}

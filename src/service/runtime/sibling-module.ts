/**
 * The URL of a module next to `from` (an `import.meta.url`), for a worker entry point:
 * sources run as .ts, the compiled package (dist/) as .js.
 */
export function siblingModule(name: string, from: string): URL {
  return new URL(`./${name}${from.endsWith(".ts") ? ".ts" : ".js"}`, from);
}

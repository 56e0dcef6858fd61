import { readFileSync } from "node:fs";

/** The project's version from package.json (three levels above src/ops/… and dist/ops/…). */
export function projectVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return manifest.version ?? "unknown";
}

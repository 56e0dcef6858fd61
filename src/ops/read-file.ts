import { readFileSync } from "node:fs";
import { TdaInputError } from "../tda/types.ts";

/** A file's bytes, or one line naming what could not be read and why (ENOENT, EACCES, …). */
export function readNamedFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TdaInputError(`${what}${what ? " " : ""}${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

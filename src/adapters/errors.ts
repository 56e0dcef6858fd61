import { TdaInputError } from "../tda/types.ts";

/**
 * A fault in the setup that the operator can fix: a path that cannot be opened, a port in
 * use, a store that another process holds or that is damaged, a file that is not the one a
 * checkpoint was taken on. The message names the path, host or port and what to do; the
 * service reports it as one line with the configuration exit status, not as an internal error.
 */
export class SetupError extends TdaInputError {
  override name = "SetupError";
}

/** `err`'s errno code and message in a few words: "EACCES: permission denied, open '/x'" → "permission denied". */
export function systemReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === "string" && typeof e.message === "string") {
    const text = e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
    return `${text} (${e.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

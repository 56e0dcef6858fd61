/** `err`'s errno code and message in a few words: "EACCES: permission denied, open '/x'" → "permission denied". */
export function systemReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === "string" && typeof e.message === "string") {
    const text = e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
    return `${text} (${e.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * JSON lines on stderr, one object per event: {"level","time","msg",…fields}. LOG_LEVEL
 * (debug, info, warn, error; case-insensitive, "warning" accepted) sets the floor. Stdout is
 * left to the stdout sink, so results and logs never interleave.
 */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function parseLogLevel(text: string | undefined): LogLevel {
  const t = (text ?? "info").toLowerCase();
  if (t === "warning") return "warn";
  return t in LEVELS ? (t as LogLevel) : "info";
}

export function createLogger(
  options: { level?: LogLevel; bindings?: Record<string, unknown>; write?: (line: string) => void } = {},
): Logger {
  const floor = LEVELS[options.level ?? parseLogLevel(process.env.LOG_LEVEL)];
  const bindings = options.bindings ?? {};
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < floor) return;
    const entry: Record<string, unknown> = { level, time: new Date().toISOString(), msg, ...bindings, ...fields };
    if (entry.err instanceof Error) entry.err = { name: entry.err.name, message: entry.err.message };
    write(JSON.stringify(entry) + "\n");
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger({ ...options, bindings: { ...bindings, ...fields } }),
  };
}

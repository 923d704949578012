import { env } from "@/lib/env";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function serialiseError(value: unknown): unknown {
  // drizzle wraps a database error in "Failed query: ..." and keeps PostgreSQL's own error (its code and message) as
  // the cause: without it the log would not say why a query failed.
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: value.message,
      ...(typeof code === "string" ? { code } : {}),
      stack: value.stack,
      ...(value.cause !== undefined ? { cause: serialiseError(value.cause) } : {}),
    };
  }
  return value;
}

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  if (ORDER[level] < ORDER[env.logLevel]) return;
  const extra = fields
    ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, serialiseError(v)]))
    : undefined;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...extra });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}

/** One small structured logger: a JSON line per call, on stderr for warnings and errors. */
export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

/** Whether PostgreSQL's error `code` is on the error itself or on one a driver wrapped (drizzle's cause). */
export function hasPgCode(error: unknown, code: string): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth += 1) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}

/** PostgreSQL's "deadlock detected". */
const isDeadlock = (error: unknown) => hasPgCode(error, "40P01");

/**
 * Runs an all-or-nothing statement again when PostgreSQL aborted it to break a deadlock (it stored nothing), up to
 * five times with a short random pause. Two statements that lock the same rows in opposite orders (endpoints, say)
 * can deadlock however carefully each is written; the one aborted simply goes again.
 */
export async function retryOnDeadlock<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= 5 || !isDeadlock(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

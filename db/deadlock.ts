import { hasPgCode } from "./pg-errors";

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

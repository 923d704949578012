export const MAX_BACKOFF_MS = 12 * 60 * 60 * 1000;
const JITTER = 0.2;

/**
 * Delay before retry `n` (1-based): min(base x 4^(n-1), 12 h), with +/-20% jitter so that endpoints that failed
 * together do not all retry in the same second. With the default base of 30 s: 30 s, 2 min, 8 min, 32 min, ...
 * `random` is injectable for tests.
 */
export function retryDelayMs(n: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 4 ** Math.max(0, n - 1), MAX_BACKOFF_MS);
  const jittered = exponential * (1 - JITTER + 2 * JITTER * random());
  return Math.round(Math.min(jittered, MAX_BACKOFF_MS));
}

/**
 * A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`, capped at 12 h; undefined when absent
 * or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_BACKOFF_MS);
}

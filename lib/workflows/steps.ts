/**
 * The two-method step interface the delivery workflow is written against. Inngest's `step` satisfies it as it is;
 * the embedded engine (lib/workflows/embedded-engine.ts) provides its own, backed by the app's database.
 * - `run` is memoised per id: a finished step never runs again, its stored (JSON) result is returned instead.
 * - `sleep` suspends the run until the duration has passed; a replay after that continues past it.
 * Step ids must be the same on every replay (`attempt-1`, never random).
 */
export interface Steps {
  run<T>(id: string, fn: () => Promise<T>): Promise<unknown>;
  sleep(id: string, duration: number | string): Promise<unknown>;
}

/** Milliseconds from a number or an Inngest-style duration string ("30s", "2m", "1h", "1d"). */
export function durationToMs(duration: number | string): number {
  if (typeof duration === "number") return duration;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(duration.trim());
  if (!match) throw new Error(`unreadable duration: ${duration}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "ms" | "s" | "m" | "h" | "d"];
  return Math.round(Number(match[1]) * unit);
}

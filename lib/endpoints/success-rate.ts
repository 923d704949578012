/** One hour of an endpoint's finished deliveries. */
export interface HourlyOutcome {
  finished: number;
  succeeded: number;
}

/** "92.3%", "100%", "0%": the rate as the endpoints list shows it; null when nothing finished. */
export function formatRate(succeeded: number, finished: number): string | null {
  if (finished === 0) return null;
  const rate = (succeeded / finished) * 100;
  return `${rate === 100 || rate === 0 ? rate.toFixed(0) : rate.toFixed(1)}%`;
}

/**
 * The words a screen reader hears for the 24-hour sparkline (the bars say the same to the eye): the rate, out of
 * how many, and the hours with failures.
 */
export function successSummary(hours: HourlyOutcome[]): string {
  const finished = hours.reduce((n, h) => n + h.finished, 0);
  const succeeded = hours.reduce((n, h) => n + h.succeeded, 0);
  const rate = formatRate(succeeded, finished);
  if (rate === null) return "No finished deliveries in the last 24 hours";
  const failingHours = hours.filter((h) => h.finished > h.succeeded).length;
  const of = `${succeeded.toLocaleString("en")} of ${finished.toLocaleString("en")} ${finished === 1 ? "delivery" : "deliveries"}`;
  const failures = failingHours === 0 ? "no hour with failures" : `${failingHours} ${failingHours === 1 ? "hour" : "hours"} with failures`;
  return `${rate} succeeded in the last 24 hours (${of}), ${failures}`;
}

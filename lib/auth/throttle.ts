import type { FailureCounts } from "@/db/queries/login-attempts";

export interface ThrottleLimits {
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowMinutes: number;
}

export type ThrottleVerdict = { limited: false } | { limited: true; retryAfterSeconds: number };

/**
 * Decides whether another password attempt may be tried. Limited when either the email (guessing one account
 * from many places) or the IP (trying many accounts from one place) has reached its failure budget in the window;
 * the wait is until the oldest counted failure leaves the window.
 */
export function evaluateThrottle(counts: FailureCounts, limits: ThrottleLimits, now: Date): ThrottleVerdict {
  const windowMs = limits.windowMinutes * 60_000;
  const waits: number[] = [];
  if (counts.byEmail >= limits.maxFailuresPerEmail && counts.oldestByEmail) {
    waits.push(counts.oldestByEmail.getTime() + windowMs - now.getTime());
  }
  if (counts.byIp >= limits.maxFailuresPerIp && counts.oldestByIp) {
    waits.push(counts.oldestByIp.getTime() + windowMs - now.getTime());
  }
  if (waits.length === 0) return { limited: false };
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(Math.max(...waits) / 1000)) };
}

/** "Try again in 12 minutes." / "Try again in 40 seconds." */
export function describeRetryAfter(seconds: number): string {
  if (seconds < 60) return `Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { emails } from "@/db/schema";
import { emailRequestedData } from "@/inngest/events";
import { retryDelayMs } from "@/lib/delivery/backoff";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import type { Steps } from "@/lib/workflows/steps";
import { EMAIL_ERROR_MAX, EMAIL_MAX_ATTEMPTS, EMAIL_MAX_BACKOFF_MS } from "./constants";
import { sendThroughSmtp, smtpConfigured } from "./transport";

/** What one attempt step returns (stored as JSON by both engines). */
const attemptResult = z.object({
  done: z.boolean(),
  status: z.enum(["sent", "failed", "queued", "kept", "gone"]),
  error: z.string().optional(),
});
type AttemptResult = z.infer<typeof attemptResult>;

/** A row missing for longer than this after queueing was purged, not left uncommitted by the caller. */
const MISSING_GRACE_MS = 60 * 60 * 1000;

/** Delay before retry n: base x 4^(n-1), at most 6 hours, +/-20% jitter. */
export function emailRetryDelayMs(n: number, baseMs = env.email.retryBaseMs): number {
  return Math.min(retryDelayMs(n, baseMs), EMAIL_MAX_BACKOFF_MS);
}

/**
 * One attempt: sends the stored email and records the outcome on its row. Never throws for an SMTP failure (the
 * result says what comes next), so both engines record every attempt through this one path. A row already `sent`
 * (this step crashed after the server accepted it) is not sent twice.
 */
export async function attemptEmail(emailId: string, attempt: number, queuedAt: number): Promise<AttemptResult> {
  const db = await getDb();
  const [row] = await db.select().from(emails).where(eq(emails.id, emailId));
  if (!row) {
    // Queued inside a transaction that has not committed yet (Inngest may start before the commit): try again soon.
    if (Date.now() - queuedAt < MISSING_GRACE_MS) throw new Error(`email ${emailId} is not visible yet`);
    return { done: true, status: "gone" };
  }
  if (row.status === "sent" || row.status === "kept") return { done: true, status: row.status };
  // A process without SMTP_URL (a web-only process configured apart from the workers) leaves the email to one that
  // has it: the engine retries the step later, instead of this process marking the email failed.
  if (!smtpConfigured()) throw new Error("SMTP_URL is not set in this process");
  const outcome = await sendThroughSmtp(row);
  const now = new Date();
  if (outcome.ok) {
    await db
      .update(emails)
      .set({ status: "sent", attempts: sql`${emails.attempts} + 1`, sentAt: now, messageId: outcome.messageId.slice(0, 500), lastError: null, updatedAt: now })
      .where(eq(emails.id, emailId));
    logger.info("email sent", { emailId, template: row.template, to: row.to, attempt });
    return { done: true, status: "sent" };
  }
  const last = outcome.permanent || attempt >= EMAIL_MAX_ATTEMPTS;
  const error = outcome.error.slice(0, EMAIL_ERROR_MAX);
  await db
    .update(emails)
    .set({ status: last ? "failed" : "queued", attempts: sql`${emails.attempts} + 1`, lastError: error, updatedAt: now })
    .where(eq(emails.id, emailId));
  logger.warn(last ? "email failed for good" : "email attempt failed, will retry", { emailId, template: row.template, to: row.to, attempt, error });
  return { done: last, status: last ? "failed" : "queued", error };
}

/**
 * The send-email workflow, written once for both engines (embedded: lib/startup/engine.ts; Inngest:
 * inngest/functions/send-email.ts): attempt-1 .. attempt-6 with backoff sleeps between them.
 */
export async function runSendEmailWorkflow(input: unknown, steps: Steps): Promise<AttemptResult> {
  const run = emailRequestedData.parse(input);
  let result: AttemptResult = { done: false, status: "queued" };
  for (let n = 1; n <= EMAIL_MAX_ATTEMPTS; n += 1) {
    result = attemptResult.parse(await steps.run(`attempt-${n}`, () => attemptEmail(run.emailId, n, run.queuedAt)));
    if (result.done) return result;
    await steps.sleep(`backoff-${n}`, emailRetryDelayMs(n));
  }
  return result;
}

import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Db } from "@/db";
import { emails, workflowRuns, type EmailStatus } from "@/db/schema";
import { EMAIL_REQUESTED, type emailRequestedData } from "@/inngest/events";
import { localEngine } from "@/lib/delivery/dispatch";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { EMAIL_CONCURRENCY_KEY, SEND_EMAIL_WORKFLOW } from "./constants";
import { renderEmail } from "./render";
import type { EmailTemplateData, EmailTemplateName } from "./templates";
import { smtpConfigured } from "./transport";

/** A database handle or a transaction: `db.transaction(async (tx) => queueEmail(..., { tx }))`. */
export type EmailWriter = Pick<Db, "insert" | "update" | "select">;

export interface QueueEmailInput<N extends EmailTemplateName> {
  to: string;
  template: N;
  data: EmailTemplateData<N>;
  /** The organization the email is about (shown under Admin -> Emails). */
  organizationId?: string | null;
  /** The person it is for, when they have an account. */
  userId?: string | null;
  /** Extra message headers (e.g. an alert's List-Unsubscribe); names must not be ones the transport sets itself. */
  headers?: Record<string, string>;
}

export type EmailRunInput = z.infer<typeof emailRequestedData>;

const toSchema = z.email();

/**
 * Queues one email: renders the template (APP_NAME, APP_URL), stores it in the `emails` outbox and starts its run on
 * the delivery engine, which sends it through SMTP_URL and retries with backoff. Without SMTP_URL nothing is sent:
 * the email is stored as `kept` and, outside production, its link is logged so a newcomer can follow it.
 *
 * Pass `tx` to queue atomically with the caller's own writes (an invitation and its email): the email and its run are
 * written in that transaction. On the embedded engine the run becomes visible at the commit; on Inngest the event is
 * sent at once and the run waits (retrying) until the row is visible, so a rolled-back transaction sends nothing.
 */
export async function queueEmail<N extends EmailTemplateName>(
  input: QueueEmailInput<N>,
  options: { tx?: EmailWriter } = {},
): Promise<{ id: string; status: EmailStatus }> {
  const to = input.to.trim();
  if (!toSchema.safeParse(to).success) throw new AppError("bad_request:email", { message: "That is not a valid email address." });
  const rendered = renderEmail(input.template, input.data);
  const db = options.tx ?? (await getDb());
  const id = newId("eml");
  const smtp = smtpConfigured();
  const status: EmailStatus = smtp ? "queued" : "kept";
  const now = new Date();
  await db.insert(emails).values({
    id,
    organizationId: input.organizationId ?? null,
    userId: input.userId ?? null,
    to,
    template: input.template,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    link: rendered.link ?? null,
    headers: input.headers && Object.keys(input.headers).length > 0 ? input.headers : null,
    status,
    createdAt: now,
    updatedAt: now,
  });
  if (!smtp) {
    logKept({ id, to, template: input.template, subject: rendered.subject, link: rendered.link });
    return { id, status };
  }
  const run: EmailRunInput = { emailId: id, runKey: "1", queuedAt: now.getTime() };
  await storeRun(db, run);
  await startRun(run);
  return { id, status };
}

/**
 * One line per kept email. The link carries a live single-use token, so it is logged only outside production (the
 * first-run command, where the log is the newcomer's inbox); production points at Admin -> Emails instead.
 */
function logKept(email: { id: string; to: string; template: string; subject: string; link?: string }): void {
  if (env.isProduction) {
    logger.info("email kept, not sent (SMTP_URL is not set): open Admin -> Emails to see it", {
      emailId: email.id,
      to: email.to,
      template: email.template,
    });
    return;
  }
  logger.info(`email kept, not sent (SMTP_URL is not set): ${email.subject} -> ${email.to}${email.link ? `: ${email.link}` : ""}`, {
    emailId: email.id,
    template: email.template,
  });
}

async function storeRun(db: EmailWriter, run: EmailRunInput): Promise<void> {
  if (env.delivery.engine !== "embedded") return;
  await db
    .insert(workflowRuns)
    .values({ id: `email:${run.emailId}:${run.runKey}`, workflow: SEND_EMAIL_WORKFLOW, input: { ...run }, concurrencyKey: EMAIL_CONCURRENCY_KEY })
    .onConflictDoNothing();
}

async function startRun(run: EmailRunInput): Promise<void> {
  if (env.delivery.engine === "embedded") {
    localEngine()?.wake();
    return;
  }
  const { inngest } = await import("@/inngest/client");
  // The event id de-duplicates a repeated send of the same run for 24 hours.
  await inngest.send({ id: `email:${run.emailId}:${run.runKey}`, name: EMAIL_REQUESTED, data: run });
}

/**
 * Sends a stored email again, exactly as it was rendered (a sent, failed or kept one; its link is the same, so a
 * token already used stays used). Needs SMTP_URL. Returns the email's organization for the caller's audit record.
 */
export async function resendEmail(id: string): Promise<{ id: string; organizationId: string | null; to: string }> {
  if (!smtpConfigured()) {
    throw new AppError("conflict:email_not_configured", {
      message: "SMTP_URL is not set, so nothing can be sent. Set SMTP_URL (and MAIL_FROM) and restart Herald, then resend.",
    });
  }
  const db = await getDb();
  const [row] = await db
    .update(emails)
    .set({ status: "queued", lastError: null, updatedAt: new Date() })
    .where(and(eq(emails.id, id), inArray(emails.status, ["sent", "failed", "kept"])))
    .returning({ id: emails.id, organizationId: emails.organizationId, to: emails.to });
  if (!row) {
    const [exists] = await db.select({ status: emails.status }).from(emails).where(eq(emails.id, id));
    if (exists) throw new AppError("conflict:email_queued", { message: "This email is already being sent." });
    throw new AppError("not_found:email", { message: "That email does not exist (emails are kept for a limited time)." });
  }
  const run: EmailRunInput = { emailId: id, runKey: newId("r", 10), queuedAt: Date.now() };
  await storeRun(db, run);
  await startRun(run);
  return row;
}

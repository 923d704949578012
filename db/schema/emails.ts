import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * queued: waiting for (or between) delivery attempts; sent: the SMTP server accepted it; failed: every attempt failed;
 * kept: no SMTP_URL was configured, so it was stored (and its link logged) instead of sent.
 */
export const EMAIL_STATUSES = ["queued", "sent", "failed", "kept"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];
export const emailStatusEnum = pgEnum("email_status", EMAIL_STATUSES);

/**
 * The email outbox: one row per message Herald sends, rendered when it was queued (so a resend sends exactly what the
 * person was meant to get). Rows hold the message's link, whose single-use token is stored hashed by the feature
 * that issued it; they are purged after EMAIL_RETENTION_DAYS. No foreign keys: an email stays readable for the admin
 * after the organization or person it was about is gone.
 */
export const emails = pgTable(
  "emails",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id"),
    userId: text("user_id"),
    to: text("to").notNull(),
    template: text("template").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    /** The call to action (an invitation or reset link), shown clickable under Admin -> Emails. */
    link: text("link"),
    /** Extra headers sent with the message, e.g. an alert's List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
    headers: jsonb("headers").$type<Record<string, string>>(),
    status: emailStatusEnum("status").notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** The Message-ID the SMTP server accepted. */
    messageId: text("message_id"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("emails_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("emails_status_created_idx").on(t.status, t.createdAt.desc(), t.id.desc()),
    index("emails_to_idx").on(sql`lower(${t.to})`),
  ],
);

export type EmailRow = typeof emails.$inferSelect;

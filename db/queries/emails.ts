import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { emails, organizations, type EmailRow, type EmailStatus } from "@/db/schema";

export const EMAILS_PAGE_SIZE = 50;

export interface EmailFilters {
  status?: EmailStatus;
  template?: string;
  /** Part of the recipient's address. */
  to?: string;
  before?: { createdAt: Date; id: string };
}

export type EmailListRow = Pick<
  EmailRow,
  "id" | "to" | "template" | "subject" | "status" | "attempts" | "lastError" | "link" | "sentAt" | "createdAt" | "organizationId"
> & { organizationName: string | null };

const listColumns = {
  id: emails.id,
  to: emails.to,
  template: emails.template,
  subject: emails.subject,
  status: emails.status,
  attempts: emails.attempts,
  lastError: emails.lastError,
  link: emails.link,
  sentAt: emails.sentAt,
  createdAt: emails.createdAt,
  organizationId: emails.organizationId,
  organizationName: organizations.name,
};

/**
 * The outbox for platform admins, newest first: a page plus one row (the extra row says an older page exists), keyset
 * paging on (created_at, id). Fails closed for anyone else: emails hold live links to other people's accounts.
 */
export async function listEmailsForAdmin({ isPlatformAdmin }: { isPlatformAdmin: boolean }, filters: EmailFilters = {}): Promise<EmailListRow[]> {
  if (!isPlatformAdmin) return [];
  const db = await getDb();
  const conditions: SQL[] = [];
  if (filters.status) conditions.push(eq(emails.status, filters.status));
  if (filters.template) conditions.push(eq(emails.template, filters.template));
  if (filters.to) conditions.push(sql`lower(${emails.to}) like ${`%${filters.to.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (filters.before) {
    conditions.push(sql`(${emails.createdAt}, ${emails.id}) < (${filters.before.createdAt.toISOString()}::timestamptz, ${filters.before.id})`);
  }
  return db
    .select(listColumns)
    .from(emails)
    .leftJoin(organizations, eq(organizations.id, emails.organizationId))
    .where(and(...conditions))
    .orderBy(desc(emails.createdAt), desc(emails.id))
    .limit(EMAILS_PAGE_SIZE + 1);
}

/** One email with its rendered bodies, for platform admins only; undefined for anyone else or an unknown id. */
export async function getEmailForAdmin({ isPlatformAdmin }: { isPlatformAdmin: boolean }, id: string): Promise<(EmailRow & { organizationName: string | null }) | undefined> {
  if (!isPlatformAdmin) return undefined;
  const db = await getDb();
  const [row] = await db
    .select({ email: emails, organizationName: organizations.name })
    .from(emails)
    .leftJoin(organizations, eq(organizations.id, emails.organizationId))
    .where(eq(emails.id, id));
  return row ? { ...row.email, organizationName: row.organizationName } : undefined;
}

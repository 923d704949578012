import { and, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { countCapped, keysetCondition, keysetOrder, micros, newestFirst, type KeysetPage, type ListCount } from "./keyset";
import { emails, organizations, type EmailRow, type EmailStatus } from "@/db/schema";

export const EMAILS_PAGE_SIZE = 50;

export interface EmailFilters {
  status?: EmailStatus;
  template?: string;
  /** Part of the recipient's address. */
  to?: string;
  /** Keyset cursors (see KeysetPage): older than `before`, or newer than `after`. */
  before?: KeysetPage["before"];
  after?: KeysetPage["after"];
}

export type EmailListRow = Pick<
  EmailRow,
  "id" | "to" | "template" | "subject" | "status" | "attempts" | "lastError" | "link" | "sentAt" | "createdAt" | "organizationId"
> & { organizationName: string | null; createdAtMicros: string };

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
  createdAtMicros: micros(emails.createdAt),
};

/**
 * The outbox for platform admins, newest first: a page plus one row (the extra row says an older page exists), keyset
 * paging on (created_at, id). Fails closed for anyone else: emails hold live links to other people's accounts.
 */
export async function listEmailsForAdmin({ isPlatformAdmin }: { isPlatformAdmin: boolean }, filters: EmailFilters = {}): Promise<EmailListRow[]> {
  if (!isPlatformAdmin) return [];
  const db = await getDb();
  const cursor = keysetCondition(emails.createdAt, emails.id, filters);
  const rows = await db
    .select(listColumns)
    .from(emails)
    .leftJoin(organizations, eq(organizations.id, emails.organizationId))
    .where(and(...conditions(filters), cursor))
    .orderBy(...keysetOrder(emails.createdAt, emails.id, filters))
    .limit(EMAILS_PAGE_SIZE + 1);
  return newestFirst(rows, filters);
}

function conditions(filters: EmailFilters): SQL[] {
  const out: SQL[] = [];
  if (filters.status) out.push(eq(emails.status, filters.status));
  if (filters.template) out.push(eq(emails.template, filters.template));
  if (filters.to) out.push(sql`lower(${emails.to}) like ${`%${filters.to.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  return out;
}

/** How many emails match the filters (cursors aside), for platform admins only: exact up to a cap, else estimated. */
export async function countEmailsForAdmin({ isPlatformAdmin }: { isPlatformAdmin: boolean }, filters: EmailFilters = {}): Promise<ListCount> {
  if (!isPlatformAdmin) return { count: 0, exact: true };
  const db = await getDb();
  const where = and(...conditions(filters));
  return countCapped(db, (limit) => {
    const query = db.select({ one: sql`1` }).from(emails).where(where);
    return limit === undefined ? query : query.limit(limit);
  });
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

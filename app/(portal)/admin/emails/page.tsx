import type { Metadata } from "next";
import { Mail } from "lucide-react";
import { EmailFilters } from "@/components/emails/email-filters";
import { EmailPreview } from "@/components/emails/email-preview";
import { EmailsTable } from "@/components/emails/emails-table";
import { PageHeader } from "@/components/portal/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { ListTotal, PageNav } from "@/components/ui/page-nav";
import { countEmailsForAdmin, EMAILS_PAGE_SIZE, getEmailForAdmin, listEmailsForAdmin } from "@/db/queries/emails";
import { EMAIL_STATUSES } from "@/db/schema";
import { requireAdmin } from "@/lib/auth/session";
import { EMAIL_TEMPLATE_NAMES } from "@/lib/email/templates";
import { smtpConfigured } from "@/lib/email/transport";
import { countText, listHref, pageWindow } from "@/lib/paging";
import { decodeCursor, encodeCursor, firstValues } from "@/app/(portal)/webhooks/logs/schemas";
import { emailFiltersSchema } from "./schemas";

export const metadata: Metadata = { title: "Emails" };

const STATUS_LABELS = { queued: "Sending", sent: "Sent", failed: "Failed", kept: "Kept (not sent)" } as const;

export default async function AdminEmailsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const filters = emailFiltersSchema.parse(firstValues(await searchParams));
  const scope = { isPlatformAdmin: user.isPlatformAdmin };
  const query = {
    status: filters.status,
    template: filters.template,
    to: filters.to,
    before: decodeCursor(filters.before),
    after: filters.before ? undefined : decodeCursor(filters.after),
  };
  const [rows, total, viewed] = await Promise.all([
    listEmailsForAdmin(scope, query),
    countEmailsForAdmin(scope, query),
    filters.view ? getEmailForAdmin(scope, filters.view) : undefined,
  ]);
  const smtp = smtpConfigured();
  const { page, hasNewer, hasOlder } = pageWindow(rows, filters, EMAILS_PAGE_SIZE);
  const first = page[0];
  const last = page.at(-1);
  const kept = { status: filters.status, template: filters.template, to: filters.to };
  // The page being looked at stays while an email is opened or closed.
  const at = { before: filters.before, after: filters.after };
  const href = (extra: Record<string, string | undefined>) => listHref("/admin/emails", { ...kept, ...extra });
  const filtered = Object.values(kept).some(Boolean);
  return (
    <>
      <PageHeader
        title="Emails"
        description={
          smtp
            ? "Every email Herald sent or is sending (invitations, password resets, email changes), with failures and a Resend button. Visible to platform admins only."
            : "SMTP_URL is not set, so Herald sends no email: each one is kept here instead, with its link, so you can pass it on (it is in the server log too, in development). Visible to platform admins only."
        }
      />
      {viewed ? (
        <EmailPreview
          email={viewed}
          organizationName={viewed.organizationName}
          closeHref={href(at)}
          resendable={smtp && viewed.status !== "queued"}
        />
      ) : null}
      <EmailFilters statuses={EMAIL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} templates={EMAIL_TEMPLATE_NAMES} />
      <ListTotal testId="emails-total" text={`${countText(total, ["email", "emails"])}${filtered ? " match" : ""}`} exact={total.exact} />
      <EmailsTable
        rows={page.map((r) => ({
          id: r.id,
          createdAt: r.createdAt.toISOString(),
          to: r.to,
          template: r.template,
          subject: r.subject,
          status: r.status,
          attempts: r.attempts,
          lastError: r.lastError,
          organizationName: r.organizationName,
          viewHref: href({ ...at, view: r.id }),
          resendable: smtp && r.status !== "queued",
        }))}
        emptyState={
          <EmptyState
            icon={Mail}
            title={filtered ? "No emails match these filters" : "No emails yet"}
            description={filtered ? "Try other filters, or clear them." : "Invitations and password resets appear here as soon as Herald sends them."}
          />
        }
      />
      <PageNav
        newestHref={href({})}
        newerHref={hasNewer && first ? href({ after: encodeCursor(first) }) : undefined}
        olderHref={hasOlder && last ? href({ before: encodeCursor(last) }) : undefined}
      />
    </>
  );
}

import type { Metadata } from "next";
import { Mail } from "lucide-react";
import Link from "next/link";
import { EmailFilters } from "@/components/emails/email-filters";
import { EmailPreview } from "@/components/emails/email-preview";
import { EmailsTable } from "@/components/emails/emails-table";
import { PageHeader } from "@/components/portal/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { EMAILS_PAGE_SIZE, getEmailForAdmin, listEmailsForAdmin } from "@/db/queries/emails";
import { EMAIL_STATUSES } from "@/db/schema";
import { requireAdmin } from "@/lib/auth/session";
import { EMAIL_TEMPLATE_NAMES } from "@/lib/email/templates";
import { smtpConfigured } from "@/lib/email/transport";
import { firstValues } from "@/app/(portal)/webhooks/logs/schemas";
import { decodeEmailCursor, emailFiltersSchema, encodeEmailCursor } from "./schemas";

export const metadata: Metadata = { title: "Emails" };

const STATUS_LABELS = { queued: "Sending", sent: "Sent", failed: "Failed", kept: "Kept (not sent)" } as const;

export default async function AdminEmailsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { user } = await requireAdmin();
  const filters = emailFiltersSchema.parse(firstValues(await searchParams));
  const scope = { isPlatformAdmin: user.isPlatformAdmin };
  const [rows, viewed] = await Promise.all([
    listEmailsForAdmin(scope, { status: filters.status, template: filters.template, to: filters.to, before: decodeEmailCursor(filters.before) }),
    filters.view ? getEmailForAdmin(scope, filters.view) : undefined,
  ]);
  const smtp = smtpConfigured();
  const page = rows.slice(0, EMAILS_PAGE_SIZE);
  const last = page.at(-1);
  const hasMore = rows.length > EMAILS_PAGE_SIZE;
  const kept = { status: filters.status, template: filters.template, to: filters.to };
  const href = (extra: Record<string, string | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...kept, ...extra })) if (v) params.set(k, v);
    const text = params.toString();
    return text ? `/admin/emails?${text}` : "/admin/emails";
  };
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
          closeHref={href({ before: filters.before })}
          resendable={smtp && viewed.status !== "queued"}
        />
      ) : null}
      <EmailFilters statuses={EMAIL_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} templates={EMAIL_TEMPLATE_NAMES} />
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
          viewHref: href({ before: filters.before, view: r.id }),
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
      <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
        {filters.before ? (
          <Link href={href({})} className="text-primary hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {hasMore && last ? (
          <Link href={href({ before: encodeEmailCursor(last) })} className="text-primary hover:underline">
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}

import type { Metadata } from "next";
import { connection } from "next/server";
import { AuthShell } from "@/components/people/auth-shell";
import { OpenPortalForm } from "@/components/portal-links/open-portal-form";
import { Card, CardContent } from "@/components/ui/card";
import { inspectPortalLink, PORTAL_LINK_MESSAGES } from "@/lib/platform/portal-sessions";
import { openPortalLinkAction } from "./actions";

export const metadata: Metadata = { title: "Open the portal", referrer: "no-referrer", robots: { index: false, follow: false } };

/**
 * A magic link (lib/platform/portal-sessions.ts). Public: the token is what authorizes it. Showing the page never
 * uses the link; the form on it does (a POST, sent at once by the page's script). A link that cannot open says
 * exactly why: not a link, already used, expired, or its organization deactivated.
 */
export default async function PortalLinkPage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  const link = await inspectPortalLink(token);
  const state = link?.state ?? "invalid";
  if (link && state === "ready") {
    return (
      <AuthShell title={`Opening ${link.organizationName}`} description="Signing you in to the webhooks portal…">
        <Card className="shadow-md">
          <CardContent className="space-y-4 pt-6">
            <OpenPortalForm token={token} organizationName={link.organizationName} action={openPortalLinkAction} />
          </CardContent>
        </Card>
      </AuthShell>
    );
  }
  const { title, message } = PORTAL_LINK_MESSAGES[state];
  return (
    <AuthShell title={title}>
      <Card className="shadow-md">
        <CardContent className="space-y-4 pt-6">
          <p className="text-sm" data-testid="portal-link-state" data-state={state}>
            {link && state === "organization_deactivated" ? message.replace("This organization", link.organizationName) : message}
          </p>
          {link?.returnUrl ? (
            <a className="text-sm font-medium text-primary underline-offset-4 hover:underline" href={link.returnUrl} target="_top" rel="noopener">
              Back to {new URL(link.returnUrl).host}
            </a>
          ) : null}
        </CardContent>
      </Card>
    </AuthShell>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/portal/page-header";
import { ConfirmEmailButton } from "@/components/people/confirm-email-button";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { requireSession } from "@/lib/auth/session";
import { EMAIL_CHANGE_MESSAGES, inspectEmailChange } from "@/lib/people/profile";

export const metadata: Metadata = { title: "Confirm your new email", referrer: "no-referrer" };

/**
 * The link sent to a new email address. A portal page: only the signed-in account that asked can confirm it, so a
 * link that reaches the wrong inbox cannot move anyone's account.
 */
export default async function ConfirmEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const ctx = await requireSession();
  const { token } = await params;
  const change = await inspectEmailChange(token, ctx);
  return (
    <>
      <PageHeader title="Confirm your new email" />
      <Card className="max-w-xl">
        <CardContent className="space-y-4 pt-6">
          {change.state === "valid" ? (
            <>
              <p className="text-sm">
                Sign in with <span className="font-medium">{change.newEmail}</span> instead of <span className="font-medium">{ctx.user.email}</span>? Your
                other sessions end.
              </p>
              <ConfirmEmailButton token={token} newEmail={change.newEmail} />
            </>
          ) : (
            <>
              <p className="text-sm" data-testid="email-change-state">
                {EMAIL_CHANGE_MESSAGES[change.state]}
              </p>
              <Button asChild variant="outline">
                <Link href="/settings">Back to Settings</Link>
              </Button>
            </>
          )}
        </CardContent>
      </Card>
    </>
  );
}

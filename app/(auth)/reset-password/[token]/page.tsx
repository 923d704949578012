import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AuthShell } from "@/components/people/auth-shell";
import { NewPasswordForm } from "@/components/people/reset-forms";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { inspectResetToken, RESET_MESSAGES } from "@/lib/people/password-reset";

export const metadata: Metadata = { title: "Choose a new password", referrer: "no-referrer" };

/** A password reset link: public, the token is what authorizes it. */
export default async function ResetPasswordTokenPage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  const link = await inspectResetToken(token);
  if (link.state !== "valid" || !link.email) {
    const title = link.state === "expired" ? "Link expired" : link.state === "used" ? "Link already used" : "Link not valid";
    return (
      <AuthShell title={title}>
        <Card className="shadow-md">
          <CardContent className="space-y-4 pt-6">
            <p className="text-sm" data-testid="reset-state">
              {RESET_MESSAGES[link.state === "valid" ? "invalid" : link.state]}
            </p>
            <Button asChild className="w-full">
              <Link href="/reset-password">Ask for a new link</Link>
            </Button>
          </CardContent>
        </Card>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Choose a new password">
      <Card className="shadow-md">
        <CardContent className="pt-6">
          <NewPasswordForm token={token} email={link.email} />
        </CardContent>
      </Card>
    </AuthShell>
  );
}

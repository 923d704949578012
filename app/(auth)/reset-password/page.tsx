import type { Metadata } from "next";
import { AuthShell } from "@/components/people/auth-shell";
import { RequestResetForm } from "@/components/people/reset-forms";
import { Card, CardContent } from "@/components/ui/card";

export const metadata: Metadata = { title: "Reset your password" };

/** "Forgot password?": public. */
export default function ResetPasswordPage() {
  return (
    <AuthShell title="Reset your password" description="We email you a link to choose a new one.">
      <Card className="shadow-md">
        <CardContent className="pt-6">
          <RequestResetForm />
        </CardContent>
      </Card>
    </AuthShell>
  );
}

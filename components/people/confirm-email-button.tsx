"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { confirmEmailChangeAction } from "@/app/(portal)/confirm-email/[token]/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

/** Confirms an email change with a click (never on page load: mail scanners open links too). */
export function ConfirmEmailButton({ token, newEmail }: { token: string; newEmail: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? (
        <p role="alert" data-testid="form-error" className="text-sm text-destructive">
          {error}
        </p>
      ) : null}
      <Button
        loading={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await confirmEmailChangeAction({ token });
            if (!result.ok) {
              setError(result.error.message);
              return;
            }
            toast.success("Email changed", `You now sign in with ${result.data.email}.`);
            router.push("/settings");
            router.refresh();
          })
        }
      >
        Use {newEmail}
      </Button>
    </div>
  );
}

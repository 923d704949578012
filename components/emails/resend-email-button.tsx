"use client";

import { Send } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { resendEmailAction } from "@/app/(portal)/admin/emails/actions";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { toast } from "@/components/ui/toast";

/** Sends a stored email again, after a confirmation (it reaches a real person). */
export function ResendEmailButton({ id, to, size = "sm" }: { id: string; to: string; size?: "sm" | "default" }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmButton
      title="Send this email again?"
      description={
        <>
          The same message, with the same link, goes to <span className="font-medium text-foreground">{to}</span> again. A link that was
          already used stays used.
        </>
      }
      confirmLabel="Resend"
      triggerVariant="outline"
      triggerSize={size}
      loading={pending}
      onConfirm={() =>
        startTransition(async () => {
          const result = await resendEmailAction({ id });
          if (!result.ok) {
            toast.error("Not resent", result.error.message);
            return;
          }
          toast.success("Email queued", `It is on its way to ${result.data.to}.`);
          router.refresh();
        })
      }
    >
      {pending ? null : <Send className="size-4" aria-hidden />}
      Resend
    </ConfirmButton>
  );
}

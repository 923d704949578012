"use client";

import { RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useTransition, type ReactNode } from "react";
import { redeliverAction } from "@/app/(portal)/webhooks/logs/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

/** Redeliver a finished delivery; when it cannot be, the reason is written out beside it (not only in a tooltip). */
export function RedeliverButton({ id, disabledReason, before }: { id: string; disabledReason?: string; before?: ReactNode }) {
  const router = useRouter();
  const reasonId = useId();
  const [pending, startTransition] = useTransition();
  function redeliver() {
    startTransition(async () => {
      const result = await redeliverAction({ id });
      if (!result.ok) {
        toast.error("Not redelivered", result.error.message);
        return;
      }
      toast.success("Redelivery started", `Attempt ${result.data.firstAttempt} is on its way, with the same webhook-id.`);
      router.refresh();
    });
  }
  return (
    <div className="flex flex-col items-end gap-1">
      {/* Other actions (Retry now) sit in the same row, beside the button, with the reason under both. */}
      <div className="flex flex-wrap items-center justify-end gap-2">
        {before}
        <Button
          type="button"
          variant="outline"
          onClick={redeliver}
          loading={pending}
          disabled={Boolean(disabledReason)}
          aria-describedby={disabledReason ? reasonId : undefined}
        >
          {pending ? null : <RotateCw className="size-4" aria-hidden />}
          Redeliver
        </Button>
      </div>
      {disabledReason ? (
        <p id={reasonId} className="max-w-xs text-right text-xs text-muted-foreground" data-testid="redeliver-reason">
          {disabledReason}
        </p>
      ) : null}
    </div>
  );
}

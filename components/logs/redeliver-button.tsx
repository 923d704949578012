"use client";

import { RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { redeliverAction } from "@/app/(portal)/webhooks/logs/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

export function RedeliverButton({ id, disabledReason }: { id: string; disabledReason?: string }) {
  const router = useRouter();
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
    <Button type="button" variant="outline" onClick={redeliver} loading={pending} disabled={Boolean(disabledReason)} title={disabledReason}>
      {pending ? null : <RotateCw className="size-4" aria-hidden />}
      Redeliver
    </Button>
  );
}

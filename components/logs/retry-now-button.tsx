"use client";

import { FastForward } from "lucide-react";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { retryNowAction } from "@/app/(portal)/webhooks/logs/actions";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

/** Brings forward the next attempt of a delivery that waits for its backoff (same run, same webhook-id). */
export function RetryNowButton({ id, size = "default" }: { id: string; size?: "default" | "sm" }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  function retry() {
    startTransition(async () => {
      const result = await retryNowAction({ id });
      if (!result.ok) {
        toast.error("Not retried", result.error.message);
        router.refresh();
        return;
      }
      toast.success(
        "Retrying now",
        `Attempt ${result.data.attempt} is on its way, with the same webhook-id.${
          result.data.heldUntil ? " The pause your endpoint asked for (Retry-After) is over too." : ""
        }`,
      );
      router.refresh();
    });
  }
  return (
    <Button type="button" variant="outline" size={size} onClick={retry} loading={pending} data-row-click-ignore>
      {pending ? null : <FastForward className="size-4" aria-hidden />}
      Retry now
    </Button>
  );
}

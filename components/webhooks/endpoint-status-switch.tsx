"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { setEndpointActiveAction } from "@/app/(portal)/webhooks/actions";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";

/** The endpoint page's Active switch: applies at once, and rolls back with a message when the server refuses. */
export function EndpointStatusSwitch({ id, active }: { id: string; active: boolean }) {
  const router = useRouter();
  const labelId = useId();
  const [checked, setChecked] = useState(active);
  const [pending, startTransition] = useTransition();

  function change(next: boolean) {
    setChecked(next);
    startTransition(async () => {
      const result = await setEndpointActiveAction({ id, active: next });
      if (!result.ok) {
        setChecked(!next);
        toast.error(next ? "Could not enable the endpoint" : "Could not disable the endpoint", result.error.message);
        return;
      }
      toast.success(
        next ? "Endpoint enabled" : "Endpoint disabled",
        next
          ? "It receives new events again. Missed some while it was off? Use Redeliver failed deliveries below."
          : "New events are not sent to it.",
      );
      router.refresh();
    });
  }

  return (
    <div className="flex items-center gap-2 rounded-md border bg-card px-3 py-2">
      <Switch id={labelId} checked={checked} onCheckedChange={change} disabled={pending} aria-busy={pending || undefined} />
      <label htmlFor={labelId} className="text-sm font-medium">
        Active
      </label>
    </div>
  );
}

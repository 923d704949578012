"use client";

import { Power } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { switchOnAndRedeliverAction } from "@/app/(portal)/webhooks/actions";
import { DATE_TIME_INPUT_HELP, DateTimeInput, useDateTimeField } from "@/components/time/date-time-input";
import { useTimeZone } from "@/components/time/time-zone";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";
import { formatDateTime, toZonedInput, UTC, zoneLabel } from "@/lib/format";

/**
 * "Switch on and redeliver what failed since <time>": the disabled alert's link opens the endpoint with this ready
 * (the time it names pre-filled), so one click brings the endpoint back and resends what did not arrive.
 */
export function SwitchOnRecover({ id, since: initialSince }: { id: string; since: string }) {
  const router = useRouter();
  const inputId = useId();
  const zone = useTimeZone();
  const initial = new Date(initialSince);
  const sinceField = useDateTimeField(Number.isNaN(initial.getTime()) ? undefined : initial, zone);
  const since = sinceField.date;
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sinceField.problem) {
      setError(DATE_TIME_INPUT_HELP);
      return;
    }
    startTransition(async () => {
      // Minutes, in UTC: what the redelivery schema takes. Rounded down, so nothing of the named minute is missed.
      const result = await switchOnAndRedeliverAction({ id, since: toZonedInput(since, UTC) });
      if (!result.ok) {
        setError(result.error.fieldErrors?.since?.[0] ?? result.error.message);
        return;
      }
      setError(undefined);
      const n = result.data.ids.length;
      toast.success(
        "Endpoint switched on",
        n === 0 ? "Nothing failed since that time." : `${n} ${n === 1 ? "delivery is" : "deliveries are"} on their way again${result.data.capped ? " (the oldest 1,000; run Redeliver failed since for the rest)" : ""}.`,
      );
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" data-testid="switch-on-recover">
      <p className="text-sm">
        Switch on and redeliver what failed since{" "}
        <span className="font-medium">{since ? formatDateTime(since, { timeZone: zone }) : "…"}</span>.
      </p>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="space-y-1.5">
          <Label htmlFor={inputId}>Failed since ({zoneLabel(zone)})</Label>
          <DateTimeInput
            id={inputId}
            zone={zone}
            value={sinceField.text}
            onValueChange={(text) => {
              sinceField.onValueChange(text);
              setError(undefined);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${inputId}-error` : undefined}
          />
        </div>
        <Button type="submit" loading={pending}>
          {pending ? null : <Power className="size-4" aria-hidden />}
          Switch on and redeliver
        </Button>
      </div>
      {error ? (
        <p id={`${inputId}-error`} className="text-sm text-destructive" data-testid="field-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

"use client";

import { History } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useId, useState, useTransition } from "react";
import { deliveryProgressAction, redeliverFailedAction } from "@/app/(portal)/webhooks/actions";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";
import { DATE_TIME_INPUT_HELP, DateTimeInput, useDateTimeField } from "@/components/time/date-time-input";
import { useTimeZone } from "@/components/time/time-zone";
import { toZonedInput, UTC, zoneLabel } from "@/lib/format";

type Counts = { pending: number; delivering: number; succeeded: number; failed: number; cancelled: number };


/**
 * "Redeliver failed since…": restarts the endpoint's deliveries since a time that did not arrive (failed, or cancelled
 * when the endpoint was switched off), and follows their progress.
 */
export function RecoverFailed({ id }: { id: string }) {
  const router = useRouter();
  const inputId = useId();
  const zone = useTimeZone();
  // Kept as an instant: the input shows it on the person's clock (which may change after hydration), the action takes UTC.
  const sinceField = useDateTimeField(() => new Date(Date.now() - 24 * 3_600_000), zone);
  const since = sinceField.date;
  const [error, setError] = useState<string>();
  const [ids, setIds] = useState<string[]>();
  const [capped, setCapped] = useState(false);
  const [counts, setCounts] = useState<Counts>();
  const [pending, startTransition] = useTransition();

  const inFlight = counts ? counts.pending + counts.delivering : 0;

  useEffect(() => {
    if (!ids || ids.length === 0) return;
    let stopped = false;
    const poll = async () => {
      const result = await deliveryProgressAction({ ids });
      if (stopped || !result.ok) return;
      setCounts(result.data);
      if (result.data.pending + result.data.delivering > 0) timer = setTimeout(poll, 1000);
      // All finished: the page's Health and Recent deliveries now count them.
      else router.refresh();
    };
    let timer = setTimeout(poll, 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ids, router]);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sinceField.problem) {
      setError(DATE_TIME_INPUT_HELP);
      return;
    }
    startTransition(async () => {
      const result = await redeliverFailedAction({ id, since: toZonedInput(since, UTC) });
      if (!result.ok) {
        setError(result.error.fieldErrors?.since?.[0] ?? result.error.message);
        return;
      }
      setError(undefined);
      setCounts(undefined);
      setCapped(result.data.capped);
      setIds(result.data.ids);
      if (result.data.ids.length === 0) toast.info("Nothing to redeliver", "No failed or cancelled deliveries since that time.");
      else toast.success("Redelivery started", `${result.data.ids.length} failed or cancelled deliveries are on their way again.`);
    });
  }

  const total = ids?.length ?? 0;
  const done = counts ? total - inFlight : 0;
  return (
    <div className="space-y-4">
      <form onSubmit={submit} noValidate className="flex flex-col gap-2 sm:flex-row sm:items-end">
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
        <Button type="submit" variant="outline" loading={pending}>
          {pending ? null : <History className="size-4" aria-hidden />}
          Redeliver failed
        </Button>
      </form>
      {error ? (
        <p id={`${inputId}-error`} className="text-sm text-destructive" data-testid="field-error">
          {error}
        </p>
      ) : null}
      {total > 0 ? (
        <div className="space-y-1.5" data-testid="recover-progress">
          <div
            className="h-2 w-full overflow-hidden rounded-full bg-muted"
            role="progressbar"
            aria-label="Redelivery progress"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={done}
          >
            <div className="h-full bg-primary transition-all" style={{ width: `${total ? (done / total) * 100 : 0}%` }} />
          </div>
          <p className="text-sm text-muted-foreground" aria-live="polite">
            {counts
              ? `${done} of ${total} finished: ${counts.succeeded} delivered, ${counts.failed} failed again${inFlight ? `, ${inFlight} in progress` : ""}.`
              : `${total} queued…`}
            {capped ? " Only the oldest 1,000 were taken; run it again for the rest." : ""}
          </p>
        </div>
      ) : null}
    </div>
  );
}

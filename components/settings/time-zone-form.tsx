"use client";

import { useRouter } from "next/navigation";
import { useId, useMemo, useState, useTransition } from "react";
import { updateTimeZoneAction } from "@/app/(portal)/settings/actions";
import { Time } from "@/components/time/time";
import { useBrowserTimeZone, useNow, useTimeZone, useTimeZonePreference } from "@/components/time/time-zone";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { toast } from "@/components/ui/toast";
import { UTC, zoneLabel } from "@/lib/format";

/** Radix Select values cannot be empty: this one stands for "follow the browser". */
const BROWSER = "browser";

function allZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [UTC, ...zones.filter((z) => z !== UTC)];
}

/** Settings -> Time zone: the browser's zone by default, or one the person picks; every time in the portal follows. */
export function TimeZoneForm() {
  const router = useRouter();
  const id = useId();
  const preferred = useTimeZonePreference();
  const shown = useTimeZone();
  const browser = useBrowserTimeZone();
  const now = useNow();
  const [choice, setChoice] = useState(preferred ?? BROWSER);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const zones = useMemo(() => allZones(), []);
  const unchanged = choice === (preferred ?? BROWSER);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await updateTimeZoneAction({ timeZone: choice === BROWSER ? "" : choice });
      if (!result.ok) {
        setError(result.error.fieldErrors?.timeZone?.[0] ?? result.error.message);
        return;
      }
      setError(undefined);
      toast.success("Time zone saved", result.data.timeZone ? `Times now show in ${result.data.timeZone}.` : "Times now follow your browser.");
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-2 sm:max-w-md" aria-label="Time zone">
      <Label id={`${id}-label`}>Time zone</Label>
      <div className="flex gap-2">
        <Select value={choice} onValueChange={setChoice}>
          <SelectTrigger
            className="min-w-0 flex-1"
            aria-labelledby={`${id}-label`}
            aria-describedby={`${id}-hint`}
            aria-invalid={error ? true : undefined}
            data-testid="time-zone-select"
          >
            <SelectValue />
          </SelectTrigger>
          <SelectContent className="max-h-80">
            <SelectItem value={BROWSER}>Browser default{browser ? ` (${browser})` : ""}</SelectItem>
            {zones.map((zone) => (
              <SelectItem key={zone} value={zone}>
                {zoneLabel(zone)}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
        <Button type="submit" loading={pending} disabled={unchanged}>
          Save
        </Button>
      </div>
      <p id={`${id}-hint`} className="text-sm text-muted-foreground">
        Times show in <span className="font-medium text-foreground">{shown}</span>: now is{" "}
        <Time value={now} />. Hover any time for the exact time and UTC.
      </p>
      {error ? (
        <p className="text-sm text-destructive" data-testid="field-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

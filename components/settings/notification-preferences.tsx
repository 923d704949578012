"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { updateNotificationPreferencesAction } from "@/app/(portal)/settings/notifications/actions";
import { Button } from "@/components/ui/button";
import { Switch } from "@/components/ui/switch";
import { toast } from "@/components/ui/toast";
import type { AlertKind } from "@/lib/alerts/kinds";

export interface AlertKindChoice {
  kind: AlertKind;
  label: string;
  description: string;
}

/** One switch per alert kind; Save stores all four. */
export function NotificationPreferences({ kinds, initial }: { kinds: AlertKindChoice[]; initial: Record<AlertKind, boolean> }) {
  const router = useRouter();
  const uid = useId();
  const [saved, setSaved] = useState(initial);
  const [choices, setChoices] = useState(initial);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const unchanged = kinds.every((k) => choices[k.kind] === saved[k.kind]);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await updateNotificationPreferencesAction(choices);
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      setError(undefined);
      setSaved(result.data);
      setChoices(result.data);
      toast.success("Notifications saved");
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Alert emails">
      <ul className="divide-y rounded-md border">
        {kinds.map((k) => (
          <li key={k.kind} className="flex items-start justify-between gap-4 p-4">
            <div className="space-y-0.5">
              <label htmlFor={`${uid}-${k.kind}`} className="text-sm font-medium">
                {k.label}
              </label>
              <p id={`${uid}-${k.kind}-hint`} className="text-sm text-muted-foreground">
                {k.description}
              </p>
            </div>
            <Switch
              id={`${uid}-${k.kind}`}
              checked={choices[k.kind]}
              onCheckedChange={(on) => setChoices((c) => ({ ...c, [k.kind]: on }))}
              aria-describedby={`${uid}-${k.kind}-hint`}
              data-testid={`notify-${k.kind}`}
            />
          </li>
        ))}
      </ul>
      {error ? (
        <p className="text-sm text-destructive" role="alert" data-testid="form-error-summary">
          {error}
        </p>
      ) : null}
      <Button type="submit" loading={pending} disabled={unchanged}>
        Save
      </Button>
    </form>
  );
}

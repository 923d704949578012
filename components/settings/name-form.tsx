"use client";

import { useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";
import type { ActionResult } from "@/lib/action";

interface NameFormProps {
  label: string;
  initialName: string;
  action: (input: unknown) => Promise<ActionResult<{ name: string }>>;
  successMessage: string;
  disabledReason?: string;
}

/** One labelled name field with Save: the shape both the profile and the organization forms take. */
export function NameForm({ label, initialName, action, successMessage, disabledReason }: NameFormProps) {
  const id = useId();
  const [name, setName] = useState(initialName);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  const unchanged = name.trim() === initialName;

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await action({ name });
      if (result.ok) {
        setError(undefined);
        setName(result.data.name);
        toast.success(successMessage);
      } else {
        setError(result.error.fieldErrors?.name?.[0] ?? result.error.message);
        if (!result.error.fieldErrors) toast.error(result.error.message);
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-2 sm:max-w-md">
      <Label htmlFor={id}>{label}</Label>
      <div className="flex gap-2">
        <Input
          id={id}
          name="name"
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          disabled={Boolean(disabledReason)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : disabledReason ? `${id}-hint` : undefined}
        />
        <Button type="submit" loading={pending} disabled={Boolean(disabledReason) || unchanged}>
          Save
        </Button>
      </div>
      {error ? (
        <p id={`${id}-error`} className="text-sm text-destructive" data-testid="field-error">
          {error}
        </p>
      ) : null}
      {disabledReason ? (
        <p id={`${id}-hint`} className="text-sm text-muted-foreground">
          {disabledReason}
        </p>
      ) : null}
    </form>
  );
}

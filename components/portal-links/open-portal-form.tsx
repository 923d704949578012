"use client";

import { Loader2 } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import { useFormStatus } from "react-dom";
import { Button } from "@/components/ui/button";
import type { ActionResult } from "@/lib/action";

function OpenButton({ organizationName }: { organizationName: string }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" className="w-full" disabled={pending} aria-busy={pending}>
      {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : null}
      {pending ? "Opening…" : `Continue to ${organizationName}`}
    </Button>
  );
}

/**
 * The step that uses a magic link up: a POST form, submitted by the page's script as soon as it has loaded (the
 * button stays, should that not happen). Fetching the link (a chat's preview, a mail scanner, a prefetch) only
 * renders this page; it takes a browser that runs the page to sign in. Success navigates away (the action
 * redirects); a link that was used or expired in the meantime says so here.
 */
export function OpenPortalForm({
  token,
  organizationName,
  action,
}: {
  token: string;
  organizationName: string;
  action: (input: FormData) => Promise<ActionResult<never>>;
}) {
  const form = useRef<HTMLFormElement>(null);
  const submitted = useRef(false);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (submitted.current) return;
    submitted.current = true;
    form.current?.requestSubmit();
  }, []);
  async function open(formData: FormData) {
    const result = await action(formData);
    if (result && !result.ok) setError(result.error.message);
  }
  if (error) {
    return (
      <p className="text-sm" role="alert" data-testid="portal-link-state">
        {error}
      </p>
    );
  }
  return (
    <form ref={form} action={open} data-testid="open-portal-form">
      <input type="hidden" name="token" value={token} />
      <OpenButton organizationName={organizationName} />
    </form>
  );
}

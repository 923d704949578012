"use client";

import { Loader2 } from "lucide-react";
import { useEffect, useRef } from "react";
import { useFormStatus } from "react-dom";
import { Button } from "@/components/ui/button";

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
 * The step that uses a magic link up: a POST form, submitted by the browser as soon as the page has loaded (the
 * button stays for browsers without scripts). Fetching the link (a chat's preview, a mail scanner, a prefetch) only
 * renders this page; it takes a browser that runs the page to sign in.
 */
export function OpenPortalForm({ token, organizationName, action }: { token: string; organizationName: string; action: (formData: FormData) => Promise<void> }) {
  const form = useRef<HTMLFormElement>(null);
  const submitted = useRef(false);
  useEffect(() => {
    if (submitted.current) return;
    submitted.current = true;
    form.current?.requestSubmit();
  }, []);
  return (
    <form ref={form} action={action} data-testid="open-portal-form">
      <input type="hidden" name="token" value={token} />
      <OpenButton organizationName={organizationName} />
    </form>
  );
}

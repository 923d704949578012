"use client";

import { Button } from "@/components/ui/button";

// Shows a message a person can act on; the error's details stay in the server log (digest links the two).
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-[60dvh] flex-col items-center justify-center gap-4 px-4 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="max-w-sm text-sm text-muted-foreground">
        We could not load this page. Try again; if it keeps happening, contact support
        {error.digest ? (
          <>
            {" "}with reference <code className="font-mono">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <Button onClick={reset}>Try again</Button>
    </main>
  );
}

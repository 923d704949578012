"use client";

import { AlertCircle, KeyRound } from "lucide-react";
import Link from "next/link";
import { useActionState, useRef } from "react";
import { signInWithPassword, signInWithProvider } from "@/app/(auth)/login/actions";
import { INITIAL_LOGIN_STATE } from "@/app/(auth)/login/state";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

interface LoginFormProps {
  callbackUrl: string;
  providers: { id: string; name: string }[];
  oauthError?: string;
  /** A line of good news from the previous step (a password was reset). */
  notice?: string;
  demoAccounts: { email: string; password: string }[];
}

export function LoginForm({ callbackUrl, providers, oauthError, notice, demoAccounts }: LoginFormProps) {
  const [state, formAction, pending] = useActionState(signInWithPassword, INITIAL_LOGIN_STATE);
  const formRef = useRef<HTMLFormElement>(null);
  const error = state.error ?? oauthError;

  function fillDemo(email: string, password: string) {
    const form = formRef.current;
    if (!form) return;
    (form.elements.namedItem("email") as HTMLInputElement).value = email;
    (form.elements.namedItem("password") as HTMLInputElement).value = password;
    form.requestSubmit();
  }

  return (
    <div className="space-y-4">
      <Card className="shadow-md">
        <CardContent className="pt-6">
          <form ref={formRef} action={formAction} noValidate className="space-y-4" aria-describedby={error ? "login-error" : undefined}>
            <input type="hidden" name="callbackUrl" value={callbackUrl} />
            {notice && !error ? (
              <div role="status" data-testid="login-notice" className="rounded-md border border-emerald-600/30 bg-emerald-600/5 px-3 py-2 text-sm text-emerald-800 dark:text-emerald-300">
                {notice}
              </div>
            ) : null}
            {error ? (
              <div
                id="login-error"
                data-testid="login-error"
                role="alert"
                className="flex items-start gap-2 rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive"
              >
                <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
                <span>{error}</span>
              </div>
            ) : null}
            <div className="space-y-1.5">
              <Label htmlFor="email">Email</Label>
              <Input
                id="email"
                name="email"
                type="email"
                autoComplete="username"
                autoFocus
                required
                defaultValue={state.email}
                key={`email-${state.email}`}
                aria-invalid={state.fieldErrors?.email ? true : undefined}
                aria-describedby={state.fieldErrors?.email ? "email-error" : undefined}
              />
              {state.fieldErrors?.email ? (
                <p id="email-error" className="text-sm text-destructive">
                  {state.fieldErrors.email}
                </p>
              ) : null}
            </div>
            <div className="space-y-1.5">
              <div className="flex items-center justify-between gap-2">
                <Label htmlFor="password">Password</Label>
                <Link href="/reset-password" className="text-xs text-muted-foreground underline-offset-4 hover:text-foreground hover:underline">
                  Forgot password?
                </Link>
              </div>
              <Input
                id="password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                aria-invalid={state.fieldErrors?.password ? true : undefined}
                aria-describedby={state.fieldErrors?.password ? "password-error" : undefined}
              />
              {state.fieldErrors?.password ? (
                <p id="password-error" className="text-sm text-destructive">
                  {state.fieldErrors.password}
                </p>
              ) : null}
            </div>
            <Button type="submit" className="w-full" loading={pending}>
              {pending ? "Signing in…" : "Sign in"}
            </Button>
          </form>
          {providers.length > 0 ? (
            <div className="mt-4 space-y-2">
              <div className="relative py-2 text-center text-xs uppercase text-muted-foreground">
                <span className="relative z-10 bg-card px-2">or</span>
                <span className="absolute inset-x-0 top-1/2 border-t" aria-hidden />
              </div>
              {providers.map((p) => (
                <form key={p.id} action={signInWithProvider}>
                  <input type="hidden" name="provider" value={p.id} />
                  <input type="hidden" name="callbackUrl" value={callbackUrl} />
                  <Button type="submit" variant="outline" className="w-full">
                    Continue with {p.name}
                  </Button>
                </form>
              ))}
            </div>
          ) : null}
        </CardContent>
      </Card>
      {demoAccounts.length > 0 ? (
        <Card className="border-dashed bg-muted/40 shadow-none">
          <CardContent className="space-y-2 pt-4 pb-4">
            <p className="flex items-center gap-1.5 text-xs font-medium uppercase tracking-wide text-muted-foreground">
              <KeyRound className="size-3.5" aria-hidden /> Demo accounts
            </p>
            <ul className="space-y-1">
              {demoAccounts.map((a) => (
                <li key={a.email}>
                  <button
                    type="button"
                    onClick={() => fillDemo(a.email, a.password)}
                    className="w-full rounded px-2 py-1 text-left font-mono text-xs hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring"
                  >
                    {a.email} <span className="text-muted-foreground">/ {a.password}</span>
                  </button>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}

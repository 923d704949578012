"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { requestPasswordResetAction, resetPasswordAction } from "@/app/(auth)/reset-password/actions";
import { firstErrors, TextField } from "@/components/people/text-field";
import { Button } from "@/components/ui/button";

function Notice({ tone, children }: { tone: "error" | "success"; children: React.ReactNode }) {
  const styles = tone === "error" ? "border-destructive/30 bg-destructive/5 text-destructive" : "border-emerald-600/30 bg-emerald-600/5 text-emerald-800 dark:text-emerald-300";
  return (
    <div role={tone === "error" ? "alert" : "status"} data-testid={tone === "error" ? "form-error" : "form-success"} className={`rounded-md border px-3 py-2 text-sm ${styles}`}>
      {children}
    </div>
  );
}

/** "Forgot password?": asks for the email and always answers the same way. */
export function RequestResetForm({ initialEmail = "" }: { initialEmail?: string }) {
  const [email, setEmail] = useState(initialEmail);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<string>();
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await requestPasswordResetAction({ email });
      if (!result.ok) {
        setErrors(firstErrors(result.error.fieldErrors));
        setError(result.error.fieldErrors ? undefined : result.error.message);
        setSent(undefined);
        return;
      }
      setErrors({});
      setError(undefined);
      setSent(result.data.message);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {error ? <Notice tone="error">{error}</Notice> : null}
      {sent ? <Notice tone="success">{sent}</Notice> : null}
      <TextField label="Email" name="email" type="email" autoComplete="username" autoFocus value={email} maxLength={300} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
      <Button type="submit" className="w-full" loading={pending}>
        Send reset link
      </Button>
      <p className="text-center text-sm">
        <Link href="/login" className="text-muted-foreground underline-offset-4 hover:underline">
          Back to sign-in
        </Link>
      </p>
    </form>
  );
}

/** The reset link's form: a new password, twice. */
export function NewPasswordForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await resetPasswordAction({ token, password, confirm });
      if (!result.ok) {
        setErrors(firstErrors(result.error.fieldErrors));
        setError(result.error.fieldErrors ? undefined : result.error.message);
        return;
      }
      router.push("/login?reset=1");
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <TextField label="Email" name="email" value={email} readOnly autoComplete="username" />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        autoFocus
        value={password}
        error={errors.password}
        hint="At least 12 characters. Setting it signs you out everywhere."
        onChange={(e) => setPassword(e.target.value)}
      />
      <TextField label="Confirm new password" name="confirm" type="password" autoComplete="new-password" value={confirm} error={errors.confirm} onChange={(e) => setConfirm(e.target.value)} />
      <Button type="submit" className="w-full" loading={pending}>
        Set new password
      </Button>
    </form>
  );
}

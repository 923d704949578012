"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { acceptInvitationAction, acceptInvitationAsNewPersonAction } from "@/app/(auth)/invite/[token]/actions";
import { firstErrors, TextField } from "@/components/people/text-field";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";

function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div role="alert" data-testid="form-error" className="rounded-md border border-destructive/30 bg-destructive/5 px-3 py-2 text-sm text-destructive">
      {message}
    </div>
  );
}

/** A signed-in person with the invited address confirms, and lands in the new organization. */
export function AcceptInvitationButton({ token, organizationName }: { token: string; organizationName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <Button
        className="w-full"
        loading={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acceptInvitationAction({ token });
            if (!result.ok) {
              setError(result.error.message);
              return;
            }
            toast.success(`You joined ${result.data.organizationName}`);
            router.push("/webhooks");
            router.refresh();
          })
        }
      >
        Join {organizationName}
      </Button>
    </div>
  );
}

/** Someone new chooses their name and password; the account is created and signed in. */
export function NewAccountForm({ token, email }: { token: string; email: string }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await acceptInvitationAsNewPersonAction({ token, name, password, confirm });
      // A successful call redirects into the portal; an answer means something to show.
      if (result.ok) {
        setError(undefined);
        toast.success("Your account is ready", "Sign in with your email and the password you chose.");
        router.push("/login");
        return;
      }
      setErrors(firstErrors(result.error.fieldErrors));
      setError(result.error.fieldErrors ? undefined : result.error.message);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError message={error} />
      <TextField label="Email" name="email" value={email} readOnly autoComplete="username" hint="The address the invitation was sent to." />
      <TextField label="Your name" name="name" value={name} autoComplete="name" autoFocus maxLength={200} error={errors.name} onChange={(e) => setName(e.target.value)} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        error={errors.password}
        hint="At least 12 characters. A few unrelated words make a good one."
        onChange={(e) => setPassword(e.target.value)}
      />
      <TextField
        label="Confirm password"
        name="confirm"
        type="password"
        autoComplete="new-password"
        value={confirm}
        error={errors.confirm}
        onChange={(e) => setConfirm(e.target.value)}
      />
      <Button type="submit" className="w-full" loading={pending}>
        Create account and join
      </Button>
    </form>
  );
}

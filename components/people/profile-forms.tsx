"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { changePasswordAction, endOtherSessionsAction, requestEmailChangeAction } from "@/app/(portal)/settings/actions";
import { firstErrors, TextField } from "@/components/people/text-field";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { toast } from "@/components/ui/toast";

/** A new sign-in email, confirmed by a link sent to it; the current password proves it is really the person. */
export function ChangeEmailForm() {
  const [newEmail, setNewEmail] = useState("");
  const [currentPassword, setCurrentPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<string>();
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await requestEmailChangeAction({ newEmail, currentPassword });
      if (!result.ok) {
        const fields = firstErrors(result.error.fieldErrors);
        setErrors(Object.keys(fields).length > 0 ? fields : { newEmail: result.error.message });
        setSent(undefined);
        return;
      }
      setErrors({});
      setCurrentPassword("");
      setSent(result.data.message);
      toast.success("Confirmation link sent");
    });
  }

  return (
    <form onSubmit={submit} noValidate className="grid max-w-md gap-3">
      <TextField label="New email" name="newEmail" type="email" autoComplete="email" value={newEmail} maxLength={300} error={errors.newEmail} onChange={(e) => setNewEmail(e.target.value)} />
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        error={errors.currentPassword}
        onChange={(e) => setCurrentPassword(e.target.value)}
      />
      {sent ? (
        <p role="status" className="text-sm text-muted-foreground" data-testid="email-change-sent">
          {sent}
        </p>
      ) : null}
      <div>
        <Button type="submit" loading={pending}>
          Change email
        </Button>
      </div>
    </form>
  );
}

/** The current password, then the new one twice; other sessions end, this one stays. */
export function ChangePasswordForm() {
  const router = useRouter();
  const [currentPassword, setCurrentPassword] = useState("");
  const [newPassword, setNewPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await changePasswordAction({ currentPassword, newPassword, confirm });
      if (!result.ok) {
        const fields = firstErrors(result.error.fieldErrors);
        setErrors(Object.keys(fields).length > 0 ? fields : { currentPassword: result.error.message });
        if (Object.keys(fields).length === 0) toast.error("Could not change the password", result.error.message);
        return;
      }
      setErrors({});
      setCurrentPassword("");
      setNewPassword("");
      setConfirm("");
      const n = result.data.endedSessions;
      toast.success("Password changed", n > 0 ? `${n} other session${n === 1 ? "" : "s"} signed out.` : "You stay signed in here.");
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="grid max-w-md gap-3">
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        value={currentPassword}
        error={errors.currentPassword}
        onChange={(e) => setCurrentPassword(e.target.value)}
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        value={newPassword}
        error={errors.newPassword}
        hint="At least 12 characters."
        onChange={(e) => setNewPassword(e.target.value)}
      />
      <TextField label="Confirm new password" name="confirm" type="password" autoComplete="new-password" value={confirm} error={errors.confirm} onChange={(e) => setConfirm(e.target.value)} />
      <div>
        <Button type="submit" loading={pending}>
          Change password
        </Button>
      </div>
    </form>
  );
}

/** Signs out every other browser of the person. */
export function EndOtherSessionsButton({ others }: { others: number }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmButton
      title="Sign out everywhere else?"
      description="Every other browser signed in to your account is signed out at once. This one stays signed in."
      confirmLabel="Sign out others"
      loading={pending}
      triggerVariant="outline"
      onConfirm={() =>
        startTransition(async () => {
          const result = await endOtherSessionsAction({});
          if (!result.ok) {
            toast.error("Could not sign out the other sessions", result.error.message);
            return;
          }
          toast.success(`${result.data.endedSessions} other session${result.data.endedSessions === 1 ? "" : "s"} signed out`);
          router.refresh();
        })
      }
    >
      Sign out {others} other session{others === 1 ? "" : "s"}
    </ConfirmButton>
  );
}

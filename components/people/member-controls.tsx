"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import {
  changeMemberRoleAction,
  inviteMemberAction,
  leaveOrganizationAction,
  removeMemberAction,
  resendInvitationAction,
  revokeInvitationAction,
} from "@/app/(portal)/settings/members/actions";
import { firstErrors, TextField } from "@/components/people/text-field";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";

const ROLE_CHOICES = [
  { value: "owner", label: "Owner" },
  { value: "member", label: "Member" },
] as const;

/** Owners: the role of another member, changed on the spot. */
export function RoleSelect({ userId, name, role }: { userId: string; name: string; role: string }) {
  const router = useRouter();
  const [value, setValue] = useState(role);
  const [pending, startTransition] = useTransition();
  return (
    <ChoiceSelect
      aria-label={`Role of ${name}`}
      className="w-32"
      value={value}
      disabled={pending}
      data-testid="role-select"
      choices={ROLE_CHOICES}
      onValueChange={(next) => {
        const previous = value;
        setValue(next);
        startTransition(async () => {
          const result = await changeMemberRoleAction({ userId, role: next });
          if (!result.ok) {
            setValue(previous);
            toast.error("Could not change the role", result.error.message);
            return;
          }
          toast.success(`${name} is now ${next === "owner" ? "an owner" : "a member"}`);
          router.refresh();
        });
      }}
    />
  );
}

/** Owners: removes someone, after saying what that does. */
export function RemoveMemberButton({ userId, name, organizationName }: { userId: string; name: string; organizationName: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmButton
      title={`Remove ${name} from ${organizationName}?`}
      description={`${name} loses access to ${organizationName} at once: any session they have open in it ends. Their account stays, and you can invite them again later.`}
      confirmLabel="Remove"
      destructive
      triggerVariant="ghost"
      triggerSize="sm"
      loading={pending}
      onConfirm={() =>
        startTransition(async () => {
          const result = await removeMemberAction({ userId });
          if (!result.ok) {
            toast.error("Could not remove", result.error.message);
            return;
          }
          toast.success(`${name} was removed`);
          router.refresh();
        })
      }
    >
      Remove
    </ConfirmButton>
  );
}

/** Owners: invites someone by email with a role. */
export function InviteMemberForm() {
  const router = useRouter();
  const roleId = useId();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("member");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await inviteMemberAction({ email, role });
      if (!result.ok) {
        const fields = firstErrors(result.error.fieldErrors);
        setErrors(Object.keys(fields).length > 0 ? fields : { email: result.error.message });
        toast.error("Could not invite", result.error.message);
        return;
      }
      setErrors({});
      setEmail("");
      toast.success("Invitation sent", `${result.data.email} has 7 days to accept.`);
      router.refresh();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
      <TextField label="Email" name="email" type="email" autoComplete="off" value={email} maxLength={300} error={errors.email} onChange={(e) => setEmail(e.target.value)} />
      <div className="space-y-1.5">
        <Label htmlFor={roleId}>Role</Label>
        <ChoiceSelect id={roleId} value={role} onValueChange={setRole} choices={[...ROLE_CHOICES].reverse()} />
      </div>
      <Button type="submit" loading={pending} className="sm:mt-6">
        Send invitation
      </Button>
    </form>
  );
}

/** Owners: a pending invitation's Resend and Revoke. */
export function InvitationActions({ id, email }: { id: string; email: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const run = (what: "resend" | "revoke") =>
    startTransition(async () => {
      const result = what === "resend" ? await resendInvitationAction({ id }) : await revokeInvitationAction({ id });
      if (!result.ok) {
        toast.error(what === "resend" ? "Could not resend" : "Could not revoke", result.error.message);
        return;
      }
      toast.success(what === "resend" ? `Invitation to ${email} sent again` : `Invitation to ${email} revoked`);
      router.refresh();
    });
  return (
    <div className="flex justify-end gap-1">
      <Button variant="ghost" size="sm" loading={pending} onClick={() => run("resend")} aria-label={`Resend the invitation to ${email}`}>
        Resend
      </Button>
      <ConfirmButton
        title={`Revoke the invitation to ${email}?`}
        description="The link in their email stops working at once. You can invite them again later."
        confirmLabel="Revoke"
        destructive
        triggerVariant="ghost"
        triggerSize="sm"
        onConfirm={() => run("revoke")}
      >
        Revoke
      </ConfirmButton>
    </div>
  );
}

/** Anyone: leaves the current organization (the last owner is told why they cannot). */
export function LeaveOrganizationButton({ organizationName }: { organizationName: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmButton
      title={`Leave ${organizationName}?`}
      description={`You lose access to ${organizationName} at once. To come back, an owner has to invite you again.`}
      confirmLabel="Leave"
      destructive
      loading={pending}
      onConfirm={() =>
        startTransition(async () => {
          const result = await leaveOrganizationAction({});
          if (!result.ok) {
            toast.error("Could not leave", result.error.message);
            return;
          }
          toast.success(`You left ${organizationName}`);
          router.push(result.data.next === "switched" ? "/webhooks" : "/login");
          router.refresh();
        })
      }
    >
      Leave organization
    </ConfirmButton>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { adminInviteOwnerAction } from "@/app/(portal)/admin/organizations/actions";
import { firstErrors, TextField } from "@/components/people/text-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { toast } from "@/components/ui/toast";

/** Admin: invites an owner into an organization; the email (or Admin -> Emails without SMTP) carries the link. */
export function InviteOwnerDialog({
  open,
  onOpenChange,
  organization,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  organization: { id: string; name: string };
}) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = await adminInviteOwnerAction({ organizationId: organization.id, email });
      if (!result.ok) {
        const fields = firstErrors(result.error.fieldErrors);
        setErrors(Object.keys(fields).length > 0 ? fields : { email: result.error.message });
        toast.error("Could not invite", result.error.message);
        return;
      }
      setErrors({});
      onOpenChange(false);
      toast.success("Invitation sent", `${result.data.email} can join ${organization.name} as an owner for 7 days.`);
      router.refresh();
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) {
          setEmail("");
          setErrors({});
        }
        onOpenChange(next);
      }}
    >
      <DialogContent>
        <form onSubmit={submit} noValidate className="space-y-4">
          <DialogHeader>
            <DialogTitle>Invite an owner to {organization.name}</DialogTitle>
            <DialogDescription>
              They get an email with a link that works once, for 7 days. Owners invite the rest of their team themselves.
            </DialogDescription>
          </DialogHeader>
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="off"
            value={email}
            autoFocus
            maxLength={300}
            error={errors.email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              Send invitation
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

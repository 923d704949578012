"use client";

import { MoreHorizontal } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { adminSetOrganizationActiveAction } from "@/app/(portal)/admin/organizations/actions";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { toast } from "@/components/ui/toast";
import { InviteOwnerDialog } from "./invite-owner-dialog";
import { OrganizationDialog, type EditableOrganization } from "./organization-dialog";

/** Admin: a row's menu (edit, invite an owner, deactivate or reactivate), each step behind its own dialog. */
export function OrganizationActions({ organization, active }: { organization: EditableOrganization; active: boolean }) {
  const router = useRouter();
  const [dialog, setDialog] = useState<"edit" | "invite" | "status" | null>(null);
  const [pending, startTransition] = useTransition();

  function setActive(next: boolean) {
    startTransition(async () => {
      const result = await adminSetOrganizationActiveAction({ id: organization.id, active: next });
      if (!result.ok) {
        toast.error(next ? "Could not reactivate" : "Could not deactivate", result.error.message);
        return;
      }
      setDialog(null);
      toast.success(next ? `${organization.name} reactivated` : `${organization.name} deactivated`);
      router.refresh();
    });
  }

  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for ${organization.name}`} loading={pending}>
            <MoreHorizontal className="size-4" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => setDialog("edit")}>Edit…</DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setDialog("invite")} disabled={!active}>
            Invite an owner…
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem variant={active ? "destructive" : "default"} onSelect={() => setDialog("status")}>
            {active ? "Deactivate…" : "Reactivate…"}
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <OrganizationDialog open={dialog === "edit"} onOpenChange={(o) => setDialog(o ? "edit" : null)} organization={organization} />
      <InviteOwnerDialog open={dialog === "invite"} onOpenChange={(o) => setDialog(o ? "invite" : null)} organization={organization} />
      <AlertDialog open={dialog === "status"} onOpenChange={(o) => setDialog(o ? "status" : null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>{active ? `Deactivate ${organization.name}?` : `Reactivate ${organization.name}?`}</AlertDialogTitle>
            <AlertDialogDescription>
              {active
                ? "Its people are signed out and cannot sign in, its API keys stop working and its webhook deliveries wait. Nothing is deleted: reactivating it brings everything back, and waiting deliveries are sent then."
                : "Its people can sign in again, its API keys work again, and deliveries that waited are sent."}
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogAction
              variant={active ? "destructive" : "default"}
              onClick={(event) => {
                event.preventDefault();
                setActive(!active);
              }}
            >
              {active ? "Deactivate" : "Reactivate"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { adminCreateOrganizationAction, adminUpdateOrganizationAction } from "@/app/(portal)/admin/organizations/actions";
import { firstErrors, TextField } from "@/components/people/text-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";

export interface EditableOrganization {
  id: string;
  name: string;
  slug: string;
  externalId: string | null;
}

const PLAN_OPTIONS = [
  { value: "free", label: "Free" },
  { value: "pro", label: "Pro" },
  { value: "enterprise", label: "Enterprise" },
] as const;

/** "Acme Verify GmbH" -> "acme-verify-gmbh": a starting point for the slug, which the admin may change. */
function slugFrom(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/g, "");
}

/**
 * Admin: the form that creates an organization (with its plan) or edits one (name, slug, external id). Controlled
 * from outside (`open`), so a row's menu and the page's button can both open it.
 */
export function OrganizationDialog({
  open,
  onOpenChange,
  organization,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Absent: create a new one. */
  organization?: EditableOrganization;
}) {
  const router = useRouter();
  const editing = Boolean(organization);
  const [name, setName] = useState(organization?.name ?? "");
  const [slug, setSlug] = useState(organization?.slug ?? "");
  const [slugTouched, setSlugTouched] = useState(editing);
  const [plan, setPlan] = useState("enterprise");
  const [externalId, setExternalId] = useState(organization?.externalId ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, startTransition] = useTransition();

  function reset() {
    setName(organization?.name ?? "");
    setSlug(organization?.slug ?? "");
    setSlugTouched(editing);
    setPlan("enterprise");
    setExternalId(organization?.externalId ?? "");
    setErrors({});
  }

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    startTransition(async () => {
      const result = organization
        ? await adminUpdateOrganizationAction({ id: organization.id, name, slug, externalId })
        : await adminCreateOrganizationAction({ name, slug, plan, externalId });
      if (!result.ok) {
        setErrors(firstErrors(result.error.fieldErrors));
        toast.error(editing ? "Could not save the organization" : "Could not create the organization", result.error.message);
        return;
      }
      setErrors({});
      onOpenChange(false);
      toast.success(editing ? "Organization saved" : "Organization created", editing ? result.data.name : `${result.data.name}: invite its first owner next.`);
      router.refresh();
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) reset();
        onOpenChange(next);
      }}
    >
      <DialogContent>
        <form onSubmit={submit} noValidate className="space-y-4">
          <DialogHeader>
            <DialogTitle>{editing ? `Edit ${organization?.name}` : "New organization"}</DialogTitle>
            <DialogDescription>
              {editing
                ? "The slug and external id identify the organization to other systems: change them only if those systems change too."
                : "A partner organization. Nobody is in it until you invite its first owner."}
            </DialogDescription>
          </DialogHeader>
          <TextField
            label="Name"
            name="name"
            value={name}
            maxLength={200}
            autoFocus
            error={errors.name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugFrom(e.target.value));
            }}
          />
          <TextField
            label="Slug"
            name="slug"
            value={slug}
            maxLength={60}
            error={errors.slug}
            hint="Lower-case letters, digits and hyphens; unique."
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value);
            }}
          />
          {editing ? null : (
            <div className="space-y-1.5">
              <Label htmlFor="new-organization-plan">Plan</Label>
              <ChoiceSelect
                id="new-organization-plan"
                value={plan}
                onValueChange={setPlan}
                choices={PLAN_OPTIONS}
                aria-invalid={errors.plan ? true : undefined}
              />
              {errors.plan ? <p className="text-sm text-destructive">{errors.plan}</p> : null}
            </div>
          )}
          <TextField
            label="External id (optional)"
            name="externalId"
            value={externalId}
            maxLength={140}
            error={errors.externalId}
            hint="Your own id for this customer (CRM, billing), unique across organizations."
            onChange={(e) => setExternalId(e.target.value)}
          />
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" loading={pending}>
              {editing ? "Save" : "Create organization"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}

/** The page's "New organization" button with its dialog. */
export function NewOrganizationButton({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>{children}</Button>
      <OrganizationDialog open={open} onOpenChange={setOpen} />
    </>
  );
}

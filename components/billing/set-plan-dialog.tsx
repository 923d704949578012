"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { setPlanAction } from "@/app/(portal)/admin/actions";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toast";

const PLAN_OPTIONS = [
  { value: "free", label: "Free" },
  { value: "pro", label: "Pro" },
  { value: "enterprise", label: "Enterprise" },
] as const;

/** Admin: set an organization's plan by hand, after saying what that does. */
export function SetPlanDialog({ organizationId, organizationName, plan }: { organizationId: string; organizationName: string; plan: string }) {
  const id = useId();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState(plan);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function save() {
    startTransition(async () => {
      const result = await setPlanAction({ organizationId, plan: choice });
      if (!result.ok) {
        const message = result.error.fieldErrors?.plan?.[0] ?? result.error.message;
        setError(message);
        toast.error("Could not set the plan", message);
        return;
      }
      setError(undefined);
      setOpen(false);
      toast.success("Plan set", `${organizationName} is now on ${PLAN_OPTIONS.find((p) => p.value === result.data.plan)?.label}.`);
      router.refresh();
    });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setChoice(plan);
          setError(undefined);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm" aria-label={`Set plan of ${organizationName}`}>
          Set plan
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Set the plan of {organizationName}</DialogTitle>
          <DialogDescription>
            For contracts outside Stripe. The plan is marked active and paid, and recorded as set by you now. Moving to a
            plan without webhooks pauses the organization&apos;s deliveries (nothing is deleted); a later Stripe event for
            this organization takes over again.
          </DialogDescription>
        </DialogHeader>
        <div className="space-y-2">
          <Label htmlFor={id}>Plan</Label>
          <ChoiceSelect
            id={id}
            value={choice}
            onValueChange={setChoice}
            choices={PLAN_OPTIONS}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          {error ? (
            <p id={`${id}-error`} className="text-sm text-destructive" data-testid="field-error">
              {error}
            </p>
          ) : null}
        </div>
        <DialogFooter>
          <Button variant="outline" onClick={() => setOpen(false)} disabled={pending}>
            Cancel
          </Button>
          <Button onClick={save} loading={pending}>
            Set plan
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

"use client";

import { useTransition } from "react";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toast";
import { openCustomerPortalAction, startCheckoutAction } from "@/app/(portal)/billing/actions";
import type { ActionResult } from "@/lib/action";

function useRedirectAction() {
  const [pending, startTransition] = useTransition();
  function run(action: () => Promise<ActionResult<{ url: string }>>) {
    startTransition(async () => {
      const result = await action();
      if (result.ok) window.location.assign(result.data.url);
      else toast.error(result.error.message);
    });
  }
  return { pending, run };
}

/** Upgrade: opens Stripe Checkout for a paid plan. */
export function UpgradeButton({ plan, planName }: { plan: "pro" | "enterprise"; planName: string }) {
  const { pending, run } = useRedirectAction();
  return (
    <Button className="w-full" loading={pending} onClick={() => run(() => startCheckoutAction({ plan }))}>
      Upgrade to {planName}
    </Button>
  );
}

/** Manage billing: opens the Stripe customer portal (payment method, invoices, plan, cancellation). */
export function ManageBillingButton() {
  const { pending, run } = useRedirectAction();
  return (
    <Button variant="outline" loading={pending} onClick={() => run(() => openCustomerPortalAction({}))}>
      Manage billing
    </Button>
  );
}

import { Lock } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";

const WEBHOOKS_PITCH =
  "Webhooks notify your systems the moment a verification session ends or a credential changes: signed, retried with backoff, and logged. Upgrade to create endpoints.";

/** What an organization whose plan lacks a feature (webhooks by default, or the API) sees instead of its forms. */
export function UpgradeNotice({
  planName,
  currentPlan,
  feature = "Outbound webhooks are",
  pitch = WEBHOOKS_PITCH,
  testId = "webhooks-upgrade",
}: {
  planName: string;
  currentPlan: string;
  feature?: string;
  pitch?: string;
  testId?: string;
}) {
  return (
    <section
      className="flex flex-col items-center rounded-xl border border-dashed bg-card px-6 py-14 text-center"
      data-testid={testId}
      aria-labelledby="upgrade-title"
    >
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-accent text-accent-foreground">
        <Lock className="size-6" aria-hidden />
      </div>
      <h2 id="upgrade-title" className="text-lg font-semibold">
        {feature} part of the {planName} plan
      </h2>
      <p className="mt-2 max-w-md text-sm text-muted-foreground">
        Your organization is on the <span className="font-medium capitalize text-foreground">{currentPlan}</span> plan.{" "}
        {pitch}
      </p>
      <Button asChild className="mt-6">
        <Link href="/billing">See plans on Billing</Link>
      </Button>
    </section>
  );
}

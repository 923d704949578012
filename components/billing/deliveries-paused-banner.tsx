import { PauseCircle } from "lucide-react";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import type { DeliveryPause } from "@/lib/plans";

/**
 * Shown on the Webhooks pages (and Billing) while the organization's deliveries wait for its plan: why, that
 * nothing is lost, and where to fix it.
 */
export function DeliveriesPausedBanner({ pause, waiting, showBillingLink = true }: { pause: DeliveryPause; waiting: number; showBillingLink?: boolean }) {
  return (
    <section
      role="status"
      aria-labelledby="deliveries-paused-title"
      data-testid="deliveries-paused"
      className="mb-6 flex flex-col gap-3 rounded-lg border border-warning/40 bg-warning/10 p-4 text-sm sm:flex-row sm:items-start"
    >
      <PauseCircle className="size-5 shrink-0 text-warning" aria-hidden />
      <div className="flex-1">
        <h2 id="deliveries-paused-title" className="font-semibold">
          {pause.title}
        </h2>
        <p className="mt-1 text-muted-foreground">{pause.message}</p>
        {waiting > 0 ? (
          <p className="mt-1 font-medium" data-testid="deliveries-paused-count">
            {waiting === 1 ? "1 delivery is waiting." : `${waiting.toLocaleString("en-GB")} deliveries are waiting.`}
          </p>
        ) : null}
      </div>
      {showBillingLink ? (
        <Button asChild variant="outline" size="sm" className="self-start">
          <Link href="/billing">Go to Billing</Link>
        </Button>
      ) : null}
    </section>
  );
}

import { countPausedDeliveries, getBillingState } from "@/db/queries/billing";
import { deliveryPause } from "@/lib/plans";
import { DeliveriesPausedBanner } from "./deliveries-paused-banner";

/** The paused banner for an organization, or nothing while its deliveries flow (a server component). */
export async function OrgDeliveriesPaused({ orgId }: { orgId: string }) {
  const state = await getBillingState({ orgId });
  const pause = state ? deliveryPause(state) : null;
  if (!pause) return null;
  const waiting = await countPausedDeliveries({ orgId });
  return <DeliveriesPausedBanner pause={pause} waiting={waiting} />;
}

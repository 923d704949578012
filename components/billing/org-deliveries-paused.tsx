import { getBillingState, hasDeliveriesToPause } from "@/db/queries/billing";
import { deliveryPause } from "@/lib/plans";
import { DeliveriesPausedBanner } from "./deliveries-paused-banner";

/** The paused banner for an organization, or nothing while its deliveries flow (a server component). */
export async function OrgDeliveriesPaused({ orgId, showBillingLink = true }: { orgId: string; showBillingLink?: boolean }) {
  const state = await getBillingState({ orgId });
  const pause = state ? deliveryPause(state) : null;
  if (!pause) return null;
  const { waiting, relevant } = await hasDeliveriesToPause({ orgId });
  if (!relevant) return null;
  return <DeliveriesPausedBanner pause={pause} waiting={waiting} showBillingLink={showBillingLink} />;
}

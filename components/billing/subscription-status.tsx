import { Badge } from "@/components/ui/badge";
import type { SubscriptionStatus } from "@/db/schema";

const LABEL: Record<SubscriptionStatus, string> = {
  active: "Active",
  trialing: "Trial",
  past_due: "Past due",
  canceled: "Canceled",
  unpaid: "Unpaid",
};

const VARIANT: Record<SubscriptionStatus, "success" | "warning" | "destructive" | "secondary"> = {
  active: "success",
  trialing: "success",
  past_due: "warning",
  unpaid: "destructive",
  canceled: "secondary",
};

/** A subscription status as a coloured badge; "No subscription" when Stripe never described one. */
export function SubscriptionStatusBadge({ status }: { status: SubscriptionStatus | null }) {
  if (!status) return <Badge variant="outline">No subscription</Badge>;
  return <Badge variant={VARIANT[status]}>{LABEL[status]}</Badge>;
}

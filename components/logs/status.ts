import type { DeliveryStatus } from "@/db/schema";

/** Badge colour per delivery status, shared by the Webhooks list, Logs and the delivery page. */
export const STATUS_VARIANT: Record<DeliveryStatus, "success" | "destructive" | "warning" | "secondary"> = {
  succeeded: "success",
  failed: "destructive",
  pending: "warning",
  delivering: "warning",
  cancelled: "secondary",
};

export function statusVariant(status: string): "success" | "destructive" | "warning" | "secondary" {
  return STATUS_VARIANT[status as DeliveryStatus] ?? "secondary";
}

/** Waiting for a retry (an attempt failed and the next one is scheduled): shown as "Retrying at …", not "Pending". */
export function isRetrying(delivery: { status: string; nextAttemptAt: Date | string | null; attemptCount: number }): boolean {
  return delivery.status === "pending" && Boolean(delivery.nextAttemptAt) && delivery.attemptCount > 0;
}

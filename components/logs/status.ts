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

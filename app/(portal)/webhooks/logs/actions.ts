"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { redeliver } from "@/lib/delivery/redeliver";
import { retryNow } from "@/lib/delivery/retry-now";
import { deliveryRefSchema } from "./schemas";

const redeliverDelivery = createAction(deliveryRefSchema, redeliver);
const retryDeliveryNow = createAction(deliveryRefSchema, retryNow);

export async function redeliverAction(input: unknown): Promise<ActionResult<{ id: string; firstAttempt: number }>> {
  const result = await redeliverDelivery(input);
  if (result.ok) revalidatePath(`/webhooks/logs/${result.data.id}`);
  return result;
}

/** Sends the next attempt of a delivery that waits for its backoff now, in the same run (same webhook-id). */
export async function retryNowAction(input: unknown): Promise<ActionResult<{ id: string; attempt: number; heldUntil: string | null }>> {
  const result = await retryDeliveryNow(input);
  if (result.ok) {
    revalidatePath("/webhooks/logs");
    revalidatePath(`/webhooks/logs/${result.data.id}`);
  }
  return result;
}

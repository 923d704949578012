"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { redeliver } from "@/lib/delivery/redeliver";
import { deliveryRefSchema } from "./schemas";

const redeliverDelivery = createAction(deliveryRefSchema, redeliver);

export async function redeliverAction(input: unknown): Promise<ActionResult<{ id: string; firstAttempt: number }>> {
  const result = await redeliverDelivery(input);
  if (result.ok) revalidatePath(`/webhooks/logs/${result.data.id}`);
  return result;
}

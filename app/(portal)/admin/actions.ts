"use server";

import { revalidatePath } from "next/cache";
import type { Plan } from "@/db/schema";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { setPlanManually } from "@/lib/billing/manual";
import { setPlanSchema } from "./schemas";

const setPlan = createAction(setPlanSchema, setPlanManually);

/** Admin: sets an organization's plan by hand (platform admins only; recorded with who and when). */
export async function setPlanAction(input: unknown): Promise<ActionResult<{ organizationId: string; plan: Plan }>> {
  const result = await setPlan(input);
  if (result.ok) revalidatePath("/admin");
  return result;
}

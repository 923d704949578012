"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { resendEmailAsAdmin } from "@/lib/email/admin";
import { resendEmailSchema } from "./schemas";

const resend = createAction(resendEmailSchema, resendEmailAsAdmin);

/** Admin: send a stored email again (platform admins only; recorded in the audit log). */
export async function resendEmailAction(input: unknown): Promise<ActionResult<{ id: string; to: string }>> {
  const result = await resend(input);
  if (result.ok) revalidatePath("/admin/emails");
  return result;
}

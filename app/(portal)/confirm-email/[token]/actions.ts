"use server";

import { revalidatePath } from "next/cache";
import { confirmEmailSchema } from "@/app/(portal)/settings/schemas";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { confirmEmailChange } from "@/lib/people/profile";

const confirm = createAction(confirmEmailSchema, confirmEmailChange);

/** Confirms the signed-in person's new email address through the link sent to it. */
export async function confirmEmailChangeAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  const result = await confirm(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

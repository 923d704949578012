"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { signOut } from "@/lib/auth";
import { createAction } from "@/lib/auth/action";
import { switchOrganization } from "@/lib/people/sessions";
import { switchOrganizationSchema } from "./schemas";

/** Ends the session (on the server too: see events.signOut in lib/auth) and returns to the sign-in page. */
export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/login" });
}

const switchOrg = createAction(switchOrganizationSchema, switchOrganization);

/** The sidebar's organization switcher: only to an organization the person is a member of. */
export async function switchOrganizationAction(input: unknown): Promise<ActionResult<{ organizationId: string }>> {
  const result = await switchOrg(input);
  if (result.ok) revalidatePath("/", "layout");
  return result;
}

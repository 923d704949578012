"use server";

import { revalidatePath } from "next/cache";
import type { ActionResult } from "@/lib/action";
import { createAction } from "@/lib/auth/action";
import { createOrganization, inviteFirstOwner, setOrganizationActive, updateOrganization } from "@/lib/people/organizations";
import { createOrganizationSchema, inviteFirstOwnerSchema, setOrganizationActiveSchema, updateOrganizationSchema } from "./schemas";

type OrganizationResult = ActionResult<{ id: string; name: string; slug: string }>;

const create = createAction(createOrganizationSchema, async (input, ctx) => {
  const org = await createOrganization(input, ctx);
  return { id: org.id, name: org.name, slug: org.slug };
});
const update = createAction(updateOrganizationSchema, async (input, ctx) => {
  const org = await updateOrganization(input, ctx);
  return { id: org.id, name: org.name, slug: org.slug };
});
const setActive = createAction(setOrganizationActiveSchema, setOrganizationActive);
const inviteOwner = createAction(inviteFirstOwnerSchema, async (input, ctx) => {
  const invitation = await inviteFirstOwner(input, ctx);
  return { id: invitation.id, email: invitation.email, expiresAt: invitation.expiresAt.toISOString() };
});

function refreshed<T>(result: ActionResult<T>): ActionResult<T> {
  if (result.ok) revalidatePath("/admin");
  return result;
}

/** Admin: creates a partner organization (name, slug, plan, optional external id). */
export async function adminCreateOrganizationAction(input: unknown): Promise<OrganizationResult> {
  return refreshed(await create(input));
}

/** Admin: edits an organization's name, slug and external id. */
export async function adminUpdateOrganizationAction(input: unknown): Promise<OrganizationResult> {
  return refreshed(await update(input));
}

/** Admin: deactivates or reactivates an organization (nothing is deleted). */
export async function adminSetOrganizationActiveAction(input: unknown): Promise<ActionResult<{ id: string; active: boolean }>> {
  return refreshed(await setActive(input));
}

/** Admin: invites an owner into an organization by email. */
export async function adminInviteOwnerAction(input: unknown): Promise<ActionResult<{ id: string; email: string; expiresAt: string }>> {
  return refreshed(await inviteOwner(input));
}

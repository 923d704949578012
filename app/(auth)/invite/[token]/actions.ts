"use server";

import { AuthError } from "next-auth";
import type { ActionResult } from "@/lib/action";
import { signIn, signOut } from "@/lib/auth";
import { createAction } from "@/lib/auth/action";
import { tokenField } from "@/lib/people/fields";
import { acceptInvitation, acceptInvitationAsNewPerson } from "@/lib/people/invitations";
import { runPublicAction } from "@/lib/people/public-action";
import { acceptAsNewPersonSchema, acceptInvitationSchema } from "./schemas";

const accept = createAction(acceptInvitationSchema, acceptInvitation);

/** A signed-in person joins the organization of an invitation sent to their address; the browser moves there. */
export async function acceptInvitationAction(input: unknown): Promise<ActionResult<{ organizationId: string; organizationName: string }>> {
  return accept(input);
}

/**
 * Someone new accepts: their account is created (name, password) and joins the organization, then they are signed
 * in and land in the portal (a redirect, so a successful call does not return).
 */
export async function acceptInvitationAsNewPersonAction(input: unknown): Promise<ActionResult<{ signedIn: false }>> {
  return runPublicAction(acceptAsNewPersonSchema, async ({ token, name, password }) => {
    const { email } = await acceptInvitationAsNewPerson({ token, name, password });
    try {
      await signIn("credentials", { email, password, redirectTo: "/webhooks" });
    } catch (error) {
      // The account exists and joined; only the automatic sign-in failed (e.g. throttled): they sign in by hand.
      if (error instanceof AuthError) return { signedIn: false as const };
      throw error;
    }
    return { signedIn: false as const };
  }, input);
}

/** "Signed in as someone else": signs out and comes back to the same invitation link. */
export async function signOutForInvitationAction(formData: FormData): Promise<void> {
  const token = tokenField.safeParse(formData.get("token"));
  await signOut({ redirectTo: token.success ? `/invite/${token.data}` : "/login" });
}

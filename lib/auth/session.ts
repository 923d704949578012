import { notFound, redirect } from "next/navigation";
import { getContextForSession, type SessionContext } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { auth } from "./index";

export type { SessionContext };

/**
 * The signed-in person's context, or undefined. A valid cookie is not enough: its server-side session must still
 * be live (not signed out, not ended by a password change or a removal), the person a member of the session's
 * organization, and that organization active.
 */
export async function readSession(): Promise<SessionContext | undefined> {
  const session = await auth();
  const userId = session?.user?.id;
  const sessionId = session?.user?.sid;
  if (!userId || !sessionId) return undefined;
  return getContextForSession({ userId, sessionId });
}

/** For pages and layouts: the context, or a redirect to /login. */
export async function requireSession(): Promise<SessionContext> {
  const context = await readSession();
  if (!context) redirect("/login");
  return context;
}

/** For admin pages: partners get the same not-found a missing page gives, so the section's existence stays quiet. */
export async function requireAdmin(): Promise<SessionContext> {
  const context = await requireSession();
  if (!context.user.isPlatformAdmin) notFound();
  return context;
}

/** For server actions and route handlers: the context, or an `unauthorized` AppError (never a redirect). */
export async function requireActionSession(): Promise<SessionContext> {
  const context = await readSession();
  if (!context) throw new AppError("unauthorized", { message: "Your session has ended. Sign in again to continue." });
  return context;
}

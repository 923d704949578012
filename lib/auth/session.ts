import { notFound, redirect } from "next/navigation";
import { getSessionContext, type SessionContext } from "@/db/queries/users";
import { AppError } from "@/lib/errors";
import { auth } from "./index";

export type { SessionContext };

/** The signed-in person's context, or undefined: the session cookie is valid and its user still exists. */
export async function readSession(): Promise<SessionContext | undefined> {
  const session = await auth();
  const userId = session?.user?.id;
  const orgId = session?.user?.orgId;
  if (!userId || !orgId) return undefined;
  return getSessionContext({ userId, orgId });
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

import { headers } from "next/headers";
import type { SessionContext } from "@/db/queries/users";
import { env } from "@/lib/env";
import { clientAddressFrom } from "@/lib/net/client-address";
import type { AuditAction } from "./actions";
import { recordAudit, type AuditActor, type AuditWriter } from "./record";

/**
 * The client's address for the request being handled (server action, route handler), the same way sign-in
 * throttling reads it; undefined outside a request (a test or a job calling the operation directly).
 */
export async function requestIp(): Promise<string | undefined> {
  try {
    const address = clientAddressFrom(await headers(), env.trustedProxyHops);
    return address === "unknown" ? undefined : address;
  } catch {
    return undefined;
  }
}

/** The signed-in person as an audit actor. */
export function actorOf(ctx: Pick<SessionContext, "user">): AuditActor {
  return { type: "user", id: ctx.user.id, email: ctx.user.email };
}

/**
 * Records an action a signed-in person took in their active organization, with the request's address: the common
 * case for server actions. `organizationId` overrides the organization (a platform admin acting on another one).
 */
export async function recordUserAudit(
  ctx: Pick<SessionContext, "user" | "org">,
  action: AuditAction,
  details: { target?: { type: string; id: string }; changes?: Record<string, unknown>; organizationId?: string | null } = {},
  options: { tx?: AuditWriter } = {},
): Promise<{ id: string }> {
  return recordAudit(
    {
      organizationId: details.organizationId === undefined ? ctx.org.id : details.organizationId,
      actor: actorOf(ctx),
      action,
      target: details.target,
      ip: await requestIp(),
      changes: details.changes,
    },
    options,
  );
}

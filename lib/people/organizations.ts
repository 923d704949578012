import type { z } from "zod";
import type {
  createOrganizationSchema,
  inviteFirstOwnerSchema,
  setOrganizationActiveSchema,
  updateOrganizationSchema,
} from "@/app/(portal)/admin/organizations/schemas";
import { getDb, type Db } from "@/db";
import { endOrganizationSessions } from "@/db/queries/auth-sessions";
import {
  findOrganizationClashes,
  getOrganizationForAdmin,
  insertOrganization,
  setOrganizationDeactivated,
  updateOrganizationRecord,
  type OrganizationRecord,
} from "@/db/queries/organizations";
import type { SessionContext } from "@/db/queries/users";
import { diffFields, recordAudit, type AuditActor } from "@/lib/audit";
import { resumePausedDeliveries } from "@/lib/delivery/pause";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { auditContextOf, createInvitation } from "./invitations";
import { isUniqueViolation } from "./unique";

/** Platform admins only: everyone else gets the not-found a missing page gives. */
function assertPlatformAdmin(ctx: SessionContext): void {
  if (!ctx.user.isPlatformAdmin) throw new AppError("not_found", { message: "We could not find that." });
}

async function assertNoClash(values: { slug: string; externalId: string | null }, exceptId?: string): Promise<void> {
  const clash = await findOrganizationClashes({ ...values, exceptId });
  const fieldErrors: Record<string, string[]> = {};
  if (clash.slug) fieldErrors.slug = [`Another organization already uses the slug "${values.slug}".`];
  if (clash.externalId) fieldErrors.externalId = [`Another organization already has the external id "${values.externalId}".`];
  if (Object.keys(fieldErrors).length > 0) {
    throw new AppError("conflict:organization", { message: Object.values(fieldErrors).flat().join(" "), fieldErrors });
  }
}

const TAKEN = new AppError("conflict:organization", { message: "The slug or external id was just taken by another organization. Choose another." });

/** Who acts, for the audit log: a signed-in platform admin or a platform key. */
export interface OrganizationActor {
  actor: AuditActor;
  ip?: string | null;
}

/** Admin: a new partner organization. It has nobody in it until its first owner accepts an invitation. */
export async function createOrganization(input: z.output<typeof createOrganizationSchema>, ctx: SessionContext): Promise<OrganizationRecord> {
  assertPlatformAdmin(ctx);
  return createOrganizationAs(input, await auditContextOf(ctx));
}

/**
 * Creates an organization for an actor already allowed to (a platform admin through `createOrganization`, a platform
 * key through the platform API): a slug or external id in use is a conflict with a message, never a 500.
 */
export async function createOrganizationAs(
  input: z.output<typeof createOrganizationSchema>,
  by: OrganizationActor,
  options: {
    /**
     * Runs in the transaction that inserts the organization and its audit event, before it commits: what it writes
     * is stored with them or not at all, and when it throws, the organization is not created either.
     */
    alsoInTransaction?: (tx: Pick<Db, "insert">, created: OrganizationRecord) => Promise<void>;
  } = {},
): Promise<OrganizationRecord> {
  await assertNoClash(input);
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const created = await insertOrganization({ id: newId("org"), ...input }, tx);
      await recordAudit(
        {
          organizationId: created.id,
          actor: by.actor,
          action: "organization.created",
          target: { type: "organization", id: created.id },
          ip: by.ip,
          changes: { name: created.name, slug: created.slug, plan: created.plan, externalId: created.externalId },
        },
        { tx },
      );
      await options.alsoInTransaction?.(tx, created);
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw TAKEN;
    throw error;
  }
}

/** Admin: renames an organization, changes its slug or external id (the plan has its own dialog, with billing). */
export async function updateOrganization(input: z.output<typeof updateOrganizationSchema>, ctx: SessionContext): Promise<OrganizationRecord> {
  assertPlatformAdmin(ctx);
  return updateOrganizationAs(input, await auditContextOf(ctx));
}

/** Changes the given fields of an organization (the others stay), for an actor already allowed to. */
export async function updateOrganizationAs(
  input: { id: string; name?: string; slug?: string; externalId?: string | null },
  by: OrganizationActor,
): Promise<OrganizationRecord> {
  const before = await getOrganizationForAdmin({ isPlatformAdmin: true, id: input.id });
  if (!before) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  const next = {
    name: input.name ?? before.name,
    slug: input.slug ?? before.slug,
    externalId: input.externalId === undefined ? before.externalId : input.externalId,
  };
  await assertNoClash(next, input.id);
  let after: OrganizationRecord | undefined;
  try {
    after = await updateOrganizationRecord(input.id, next);
  } catch (error) {
    if (isUniqueViolation(error)) throw TAKEN;
    throw error;
  }
  if (!after) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  const changes = diffFields(before, after, ["name", "slug", "externalId"]);
  if (Object.keys(changes).length > 0) {
    await recordAudit({ organizationId: after.id, actor: by.actor, action: "organization.updated", target: { type: "organization", id: after.id }, ip: by.ip, changes });
  }
  return after;
}

/**
 * Admin: deactivates (nobody signs in, sessions in it end, deliveries wait) or reactivates (waiting deliveries
 * resume) an organization. Nothing is deleted either way. An admin cannot deactivate the organization they are
 * working in, which would lock them out of this page.
 */
export async function setOrganizationActive(
  input: z.output<typeof setOrganizationActiveSchema>,
  ctx: SessionContext,
): Promise<{ id: string; active: boolean }> {
  assertPlatformAdmin(ctx);
  if (!input.active && input.id === ctx.org.id) {
    throw new AppError("conflict:own_organization", {
      message: "You are working in this organization: switch to another one before deactivating it.",
    });
  }
  return setOrganizationActiveAs(input, await auditContextOf(ctx));
}

/**
 * Deactivates or reactivates an organization for an actor already allowed to; a no-op (no audit event) when it is
 * already in that state.
 */
export async function setOrganizationActiveAs(input: { id: string; active: boolean }, by: OrganizationActor): Promise<{ id: string; active: boolean }> {
  const org = await getOrganizationForAdmin({ isPlatformAdmin: true, id: input.id });
  if (!org) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  const changed = await setOrganizationDeactivated(org.id, !input.active);
  if (!changed) return { id: org.id, active: input.active };
  if (input.active) {
    await resumePausedDeliveries({ orgId: org.id });
  } else {
    await endOrganizationSessions({ orgId: org.id, reason: "organization_deactivated" });
  }
  await recordAudit({
    organizationId: org.id,
    actor: by.actor,
    action: input.active ? "organization.reactivated" : "organization.deactivated",
    target: { type: "organization", id: org.id },
    ip: by.ip,
  });
  return { id: org.id, active: input.active };
}

/** Admin: invites an organization's first owner (or another owner) by email. */
export async function inviteFirstOwner(
  input: z.output<typeof inviteFirstOwnerSchema>,
  ctx: SessionContext,
): Promise<{ id: string; email: string; expiresAt: Date }> {
  assertPlatformAdmin(ctx);
  const org = await getOrganizationForAdmin({ isPlatformAdmin: true, id: input.organizationId });
  if (!org) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  return createInvitation({ orgId: org.id, email: input.email, role: "owner", invitedBy: null }, await auditContextOf(ctx));
}

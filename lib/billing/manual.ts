import { eq } from "drizzle-orm";
import type { z } from "zod";
import type { setPlanSchema } from "@/app/(portal)/admin/schemas";
import { getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { organizationBilling, organizations, type Plan } from "@/db/schema";
import { actorOf, requestIp } from "@/lib/audit/request";
import { recordAudit, type AuditActor } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { resumePausedDeliveries } from "@/lib/delivery/pause";

/**
 * A platform admin sets an organization's plan by hand (a contract outside Stripe): active and paid, recorded with
 * who and when. It counts as the newest state, so Stripe events created before it cannot undo it; a later Stripe
 * event for the organization (a subscription it does have) takes over again. Deliveries paused by the old plan
 * resume if the new one allows them.
 */
export async function setPlanManually(input: z.output<typeof setPlanSchema>, ctx: SessionContext): Promise<{ organizationId: string; plan: Plan }> {
  // Fails closed even if a page forgot its own check: only platform admins change another organization's plan.
  if (!ctx.user.isPlatformAdmin) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  return setPlanAs(input, { actor: actorOf(ctx), ip: await requestIp(), label: ctx.user.email, source: "set by a platform admin" });
}

/**
 * Sets the plan by hand for an actor already allowed to (a platform admin, a platform key): `label` is kept as who
 * set it, `source` goes to the audit log.
 */
export async function setPlanAs(
  input: z.output<typeof setPlanSchema>,
  by: { actor: AuditActor; ip?: string | null; label: string; source: string },
): Promise<{ organizationId: string; plan: Plan }> {
  const db = await getDb();
  const now = new Date();
  const updated = await db.transaction(async (tx) => {
    const [before] = await tx.select({ plan: organizations.plan }).from(organizations).where(eq(organizations.id, input.organizationId)).for("no key update");
    if (!before) return false;
    const rows = await tx
      .update(organizations)
      .set({ plan: input.plan, updatedAt: now })
      .where(eq(organizations.id, input.organizationId))
      .returning({ id: organizations.id });
    if (rows.length === 0) return false;
    const state = {
      status: "active" as const,
      paymentFailed: false,
      planSource: "manual" as const,
      planSetBy: by.label,
      planSetAt: now,
      subscriptionEventAt: now,
      invoiceEventAt: now,
      updatedAt: now,
    };
    await tx
      .insert(organizationBilling)
      .values({ organizationId: input.organizationId, ...state })
      .onConflictDoUpdate({ target: organizationBilling.organizationId, set: state });
    await recordAudit(
      {
        organizationId: input.organizationId,
        actor: by.actor,
        action: "organization.plan_changed",
        target: { type: "organization", id: input.organizationId },
        ip: by.ip,
        changes: { plan: { from: before.plan, to: input.plan }, source: by.source },
      },
      { tx },
    );
    return true;
  });
  if (!updated) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  logger.info("plan set by hand", { organizationId: input.organizationId, plan: input.plan, by: by.label });
  await resumePausedDeliveries({ orgId: input.organizationId }).catch((error: unknown) =>
    logger.error("resuming deliveries after a manual plan change failed", { organizationId: input.organizationId, error }),
  );
  return { organizationId: input.organizationId, plan: input.plan };
}

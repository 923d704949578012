import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type {
  changeRoleSchema,
  invitationRefSchema,
  inviteMemberSchema,
  memberRefSchema,
} from "@/app/(portal)/settings/members/schemas";
import { getDb, type Db } from "@/db";
import { endSession, endUserSessions, switchSessionOrganization } from "@/db/queries/auth-sessions";
import { pickSignInOrganization, type SessionContext } from "@/db/queries/users";
import { memberships, users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { actorOf, requestIp } from "@/lib/audit/request";
import { AppError } from "@/lib/errors";
import { auditContextOf, createInvitation, resendInvitation, revokeInvitation } from "./invitations";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Owners manage people; members see the list. */
function assertOwner(ctx: SessionContext, what: string): void {
  if (ctx.user.role !== "owner") throw new AppError("forbidden:owner_only", { message: `Only an owner of ${ctx.org.name} can ${what}.` });
}

interface MemberRow {
  userId: string;
  role: Role;
  email: string;
}

/**
 * Every membership of the organization, locked until the transaction ends: two owners changing roles or removing
 * each other at the same moment take turns, so the organization can never end up without an owner.
 */
async function lockMembers(tx: Tx, orgId: string): Promise<MemberRow[]> {
  return tx
    .select({ userId: memberships.userId, role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, orgId))
    .for("update", { of: memberships });
}

/** The caller's own row from the locked list: their role may have changed since the request's session was read. */
function ownerFrom(members: MemberRow[], ctx: SessionContext, what: string): MemberRow {
  const me = members.find((m) => m.userId === ctx.user.id);
  if (!me || me.role !== "owner") throw new AppError("forbidden:owner_only", { message: `Only an owner of ${ctx.org.name} can ${what}.` });
  return me;
}

const owners = (members: MemberRow[]) => members.filter((m) => m.role === "owner").length;

/** Invites someone into the caller's organization (owners only). */
export async function inviteMember(input: z.output<typeof inviteMemberSchema>, ctx: SessionContext): Promise<{ id: string; email: string; role: Role; expiresAt: string }> {
  assertOwner(ctx, "invite people");
  const invitation = await createInvitation(
    { orgId: ctx.org.id, email: input.email, role: input.role, invitedBy: { id: ctx.user.id, name: ctx.user.name } },
    await auditContextOf(ctx),
  );
  return { ...invitation, expiresAt: invitation.expiresAt.toISOString() };
}

/** Sends one of the caller's organization's pending invitations again, with a new link (owners only). */
export async function resendMemberInvitation(input: z.output<typeof invitationRefSchema>, ctx: SessionContext): Promise<{ id: string; email: string }> {
  assertOwner(ctx, "resend invitations");
  const resent = await resendInvitation({ orgId: ctx.org.id, invitationId: input.id, inviterName: ctx.user.name }, await auditContextOf(ctx));
  return { id: resent.id, email: resent.email };
}

/** Withdraws one of the caller's organization's pending invitations (owners only). */
export async function revokeMemberInvitation(input: z.output<typeof invitationRefSchema>, ctx: SessionContext): Promise<{ id: string; email: string }> {
  assertOwner(ctx, "revoke invitations");
  return revokeInvitation({ orgId: ctx.org.id, invitationId: input.id }, await auditContextOf(ctx));
}

/**
 * Makes a member an owner or an owner a member. Owners only, checked again under the lock, so a member cannot promote
 * themself; the last owner cannot be demoted.
 */
export async function changeMemberRole(input: z.output<typeof changeRoleSchema>, ctx: SessionContext): Promise<{ userId: string; role: Role }> {
  assertOwner(ctx, "change roles");
  const db = await getDb();
  const ip = await requestIp();
  return db.transaction(async (tx) => {
    const members = await lockMembers(tx, ctx.org.id);
    ownerFrom(members, ctx, "change roles");
    const target = members.find((m) => m.userId === input.userId);
    if (!target) throw new AppError("not_found:member", { message: "That person is not a member of this organization." });
    if (target.role === input.role) return { userId: target.userId, role: target.role };
    if (target.role === "owner" && owners(members) === 1) {
      throw new AppError("conflict:last_owner", {
        message: `${target.email} is the last owner of ${ctx.org.name}. Make someone else an owner first.`,
      });
    }
    await tx
      .update(memberships)
      .set({ role: input.role })
      .where(and(eq(memberships.organizationId, ctx.org.id), eq(memberships.userId, target.userId)));
    await recordAudit(
      {
        organizationId: ctx.org.id,
        actor: actorOf(ctx),
        action: "member.role_changed",
        target: { type: "user", id: target.userId },
        ip,
        changes: { email: target.email, role: { from: target.role, to: input.role } },
      },
      { tx },
    );
    return { userId: target.userId, role: input.role };
  });
}

/**
 * Removes someone from the caller's organization (owners only): their membership goes, and every session they
 * had in this organization ends at once. The last owner cannot be removed; to leave, one uses Leave.
 */
export async function removeMember(input: z.output<typeof memberRefSchema>, ctx: SessionContext): Promise<{ userId: string; email: string }> {
  assertOwner(ctx, "remove people");
  if (input.userId === ctx.user.id) {
    throw new AppError("conflict:remove_self", { message: "To leave the organization yourself, use Leave organization in Settings." });
  }
  const db = await getDb();
  const ip = await requestIp();
  const removed = await db.transaction(async (tx) => {
    const members = await lockMembers(tx, ctx.org.id);
    ownerFrom(members, ctx, "remove people");
    const target = members.find((m) => m.userId === input.userId);
    if (!target) throw new AppError("not_found:member", { message: "That person is not a member of this organization." });
    if (target.role === "owner" && owners(members) === 1) {
      throw new AppError("conflict:last_owner", { message: `${target.email} is the last owner of ${ctx.org.name} and cannot be removed.` });
    }
    await tx.delete(memberships).where(and(eq(memberships.organizationId, ctx.org.id), eq(memberships.userId, target.userId)));
    await recordAudit(
      {
        organizationId: ctx.org.id,
        actor: actorOf(ctx),
        action: "member.removed",
        target: { type: "user", id: target.userId },
        ip,
        changes: { email: target.email, role: target.role },
      },
      { tx },
    );
    return target;
  });
  await endUserSessions({ userId: removed.userId, orgId: ctx.org.id, reason: "removed_from_organization" });
  return { userId: removed.userId, email: removed.email };
}

/**
 * The caller leaves their current organization (anyone but the last owner). This browser moves to another of their
 * organizations if they have one; otherwise the session ends. Their other sessions in the organization end.
 */
export async function leaveOrganization(_input: unknown, ctx: SessionContext): Promise<{ next: "switched" | "signed_out"; organizationId?: string }> {
  const db = await getDb();
  const ip = await requestIp();
  await db.transaction(async (tx) => {
    const members = await lockMembers(tx, ctx.org.id);
    const me = members.find((m) => m.userId === ctx.user.id);
    if (!me) throw new AppError("not_found:member", { message: "You are not a member of this organization any more." });
    if (me.role === "owner" && owners(members) === 1) {
      throw new AppError("conflict:last_owner", {
        message: `You are the last owner of ${ctx.org.name}. Make someone else an owner before you leave.`,
      });
    }
    await tx.delete(memberships).where(and(eq(memberships.organizationId, ctx.org.id), eq(memberships.userId, ctx.user.id)));
    await recordAudit(
      { organizationId: ctx.org.id, actor: actorOf(ctx), action: "member.left", target: { type: "user", id: ctx.user.id }, ip, changes: { role: me.role } },
      { tx },
    );
  });
  await endUserSessions({ userId: ctx.user.id, orgId: ctx.org.id, reason: "left_organization", except: ctx.sessionId });
  if (!ctx.sessionId) return { next: "signed_out" };
  const next = await pickSignInOrganization(ctx.user.id);
  if (next.ok && (await switchSessionOrganization({ sessionId: ctx.sessionId, userId: ctx.user.id, orgId: next.orgId }))) {
    return { next: "switched", organizationId: next.orgId };
  }
  await endSession({ sessionId: ctx.sessionId, reason: "left_organization" });
  return { next: "signed_out" };
}

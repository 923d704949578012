import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb, type Db } from "@/db";
import { switchSessionOrganization } from "@/db/queries/auth-sessions";
import { findInvitationByTokenHash, listOpenInvitationsForEmail, type InvitationView } from "@/db/queries/invitations";
import { findUserForSignIn, type SessionContext } from "@/db/queries/users";
import { invitations, memberships, organizations, users, type Role } from "@/db/schema";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { actorOf, requestIp } from "@/lib/audit/request";
import { hashPassword } from "@/lib/auth/password";
import { queueEmail } from "@/lib/email";
import { AppError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/logger";
import { hashToken, INVITATION_TTL_MS, newToken, portalLink, TOKEN_PATTERN } from "./tokens";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export const INVITATION_MESSAGES = {
  invalid: "This invitation link is not valid. Check that the whole link was copied, or ask for a new invitation.",
  expired: "This invitation has expired. Ask an owner of the organization to send a new one.",
  revoked: "This invitation was withdrawn. Ask an owner of the organization whether you should still join.",
  used: "This invitation was already used. If it was you, sign in to continue.",
  organization_deactivated: "This organization is not active on Herald any more. Contact its owner or the platform's administrators.",
} as const;

/** The link an invitation email carries. */
export function invitationLink(token: string): string {
  return portalLink(`/invite/${token}`);
}

/** What an invitation link points at, or undefined for a token that names none (or is not a token at all). */
export async function inspectInvitation(token: string): Promise<InvitationView | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return findInvitationByTokenHash(hashToken(token));
}

interface AuditContext {
  actor: AuditActor;
  ip?: string | null;
}

/**
 * Invites `email` into an organization with a role, and emails the link. The answer never depends on whether the
 * address has a Herald account elsewhere (nothing is looked up about it), only on this organization: an address
 * that is already a member, or already has a live invitation, is refused with a message that says so.
 */
export async function createInvitation(
  input: { orgId: string; email: string; role: Role; invitedBy: { id: string; name: string } | null },
  audit: AuditContext,
): Promise<{ id: string; email: string; role: Role; expiresAt: Date }> {
  const db = await getDb();
  const email = input.email.trim().toLowerCase();
  const { token, hash } = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const id = newId("inv");
  await db.transaction(async (tx) => {
    // One invitation change per organization at a time: the pending-invitation and membership checks below then
    // cannot race with another invite of the same address.
    const [org] = await tx
      .select({ id: organizations.id, name: organizations.name, deactivatedAt: organizations.deactivatedAt })
      .from(organizations)
      .where(eq(organizations.id, input.orgId))
      .for("update");
    if (!org) throw new AppError("not_found:organization", { message: "That organization does not exist." });
    if (org.deactivatedAt) {
      throw new AppError("conflict:organization_deactivated", { message: `${org.name} is deactivated. Reactivate it before inviting anyone.` });
    }
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, org.id), eq(sql`lower(${users.email})`, email)))
      .limit(1);
    if (member) {
      throw new AppError("conflict:already_member", {
        message: `${email} is already a member of ${org.name}.`,
        fieldErrors: { email: [`${email} is already a member of ${org.name}.`] },
      });
    }
    const [pending] = await tx
      .select({ id: invitations.id, expiresAt: invitations.expiresAt, sentAt: invitations.sentAt })
      .from(invitations)
      .where(and(eq(invitations.organizationId, org.id), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    if (pending && pending.expiresAt > now) {
      const message = `${email} was already invited on ${formatDateTime(pending.sentAt)}. Resend that invitation from the list instead.`;
      throw new AppError("conflict:already_invited", { message, fieldErrors: { email: [message] } });
    }
    // An expired invitation to the same address gives way to the new one.
    if (pending) await tx.update(invitations).set({ revokedAt: now }).where(eq(invitations.id, pending.id));
    await tx.insert(invitations).values({
      id,
      organizationId: org.id,
      email,
      role: input.role,
      tokenHash: hash,
      invitedBy: input.invitedBy?.id ?? null,
      createdAt: now,
      sentAt: now,
      expiresAt,
    });
    await queueEmail(
      {
        to: email,
        template: "invitation",
        data: { organizationName: org.name, inviterName: input.invitedBy?.name, role: input.role, link: invitationLink(token), expiresAt },
        organizationId: org.id,
      },
      { tx },
    );
    await recordAudit(
      { organizationId: org.id, actor: audit.actor, action: "member.invited", target: { type: "invitation", id }, ip: audit.ip, changes: { email, role: input.role } },
      { tx },
    );
  });
  return { id, email, role: input.role, expiresAt };
}

/** Sends a pending invitation again with a new link (the old one stops working) and a fresh 7 days. */
export async function resendInvitation(
  input: { orgId: string; invitationId: string; inviterName?: string },
  audit: AuditContext,
): Promise<{ id: string; email: string; expiresAt: Date }> {
  const db = await getDb();
  const { token, hash } = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ tokenHash: hash, sentAt: now, expiresAt })
      .where(
        and(
          eq(invitations.id, input.invitationId),
          eq(invitations.organizationId, input.orgId),
          isNull(invitations.acceptedAt),
          isNull(invitations.revokedAt),
          sql`exists (select 1 from ${organizations} where ${organizations.id} = ${input.orgId} and ${organizations.deactivatedAt} is null)`,
        ),
      )
      .returning({ id: invitations.id, email: invitations.email, role: invitations.role });
    if (!row) throw new AppError("not_found:invitation", { message: "That invitation does not exist, or was already accepted or revoked." });
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, input.orgId));
    await queueEmail(
      {
        to: row.email,
        template: "invitation",
        data: { organizationName: org!.name, inviterName: input.inviterName, role: row.role, link: invitationLink(token), expiresAt },
        organizationId: input.orgId,
      },
      { tx },
    );
    await recordAudit(
      { organizationId: input.orgId, actor: audit.actor, action: "member.invitation_resent", target: { type: "invitation", id: row.id }, ip: audit.ip, changes: { email: row.email } },
      { tx },
    );
    return { id: row.id, email: row.email, expiresAt };
  });
}

/** Withdraws a pending invitation: its link stops working at once. */
export async function revokeInvitation(input: { orgId: string; invitationId: string }, audit: AuditContext): Promise<{ id: string; email: string }> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(
        and(eq(invitations.id, input.invitationId), eq(invitations.organizationId, input.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)),
      )
      .returning({ id: invitations.id, email: invitations.email });
    if (!row) throw new AppError("not_found:invitation", { message: "That invitation does not exist, or was already accepted or revoked." });
    await recordAudit(
      { organizationId: input.orgId, actor: audit.actor, action: "member.invitation_revoked", target: { type: "invitation", id: row.id }, ip: audit.ip, changes: { email: row.email } },
      { tx },
    );
    return row;
  });
}

interface LockedInvitation {
  id: string;
  organizationId: string;
  organizationName: string;
  email: string;
  role: Role;
}

/**
 * Takes the invitation behind a token for acceptance, locked until the transaction ends: a second acceptance of the
 * same link waits, then finds it used. Throws the refusal that says which state the link is in.
 */
async function lockUsableInvitation(tx: Tx, token: string): Promise<LockedInvitation> {
  if (!TOKEN_PATTERN.test(token)) throw new AppError("not_found:invitation", { message: INVITATION_MESSAGES.invalid });
  const [row] = await tx
    .select({
      id: invitations.id,
      organizationId: invitations.organizationId,
      organizationName: organizations.name,
      deactivatedAt: organizations.deactivatedAt,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, hashToken(token)))
    .for("update", { of: invitations });
  if (!row) throw new AppError("not_found:invitation", { message: INVITATION_MESSAGES.invalid });
  if (row.acceptedAt) throw new AppError("conflict:invitation_used", { message: INVITATION_MESSAGES.used });
  if (row.revokedAt) throw new AppError("conflict:invitation_revoked", { message: INVITATION_MESSAGES.revoked });
  if (row.deactivatedAt) throw new AppError("conflict:organization_deactivated", { message: INVITATION_MESSAGES.organization_deactivated });
  if (row.expiresAt <= new Date()) throw new AppError("conflict:invitation_expired", { message: INVITATION_MESSAGES.expired });
  return row;
}

/** Adds the membership (an existing one stays as it is) and marks the invitation used, in the caller's transaction. */
async function acceptLocked(tx: Tx, invitation: LockedInvitation, user: { id: string; email: string }, ip: string | null | undefined): Promise<void> {
  await tx.insert(memberships).values({ userId: user.id, organizationId: invitation.organizationId, role: invitation.role }).onConflictDoNothing();
  await tx.update(invitations).set({ acceptedAt: new Date(), acceptedBy: user.id }).where(eq(invitations.id, invitation.id));
  await recordAudit(
    {
      organizationId: invitation.organizationId,
      actor: { type: "user", id: user.id, email: user.email },
      action: "member.joined",
      target: { type: "user", id: user.id },
      ip,
      changes: { role: invitation.role, invitation: invitation.id },
    },
    { tx },
  );
}

/**
 * A signed-in person accepts an invitation sent to their own address: they join, and this browser moves to the new
 * organization. An invitation for another address (a forwarded link, or the wrong account) is refused.
 */
export async function acceptInvitation(input: { token: string }, ctx: SessionContext): Promise<{ organizationId: string; organizationName: string }> {
  const db = await getDb();
  const ip = await requestIp();
  const joined = await db.transaction(async (tx) => {
    const invitation = await lockUsableInvitation(tx, input.token);
    if (invitation.email !== ctx.user.email.toLowerCase()) {
      throw new AppError("forbidden:invitation_foreign", {
        message: `This invitation is for ${invitation.email}, and you are signed in as ${ctx.user.email}. Sign out and open the link again, or ask for an invitation to ${ctx.user.email}.`,
      });
    }
    await acceptLocked(tx, invitation, ctx.user, ip);
    return invitation;
  });
  if (ctx.sessionId) await switchSessionOrganization({ sessionId: ctx.sessionId, userId: ctx.user.id, orgId: joined.organizationId });
  return { organizationId: joined.organizationId, organizationName: joined.organizationName };
}

/**
 * Someone without an account accepts: the account is created with their name and password (argon2id) and joins
 * the organization, in one transaction with using up the link. If an account with the invited address exists
 * (created meanwhile), they are asked to sign in instead.
 */
export async function acceptInvitationAsNewPerson(input: { token: string; name: string; password: string }): Promise<{ email: string; organizationId: string }> {
  const passwordHash = await hashPassword(input.password);
  const db = await getDb();
  const ip = await requestIp();
  return db.transaction(async (tx) => {
    const invitation = await lockUsableInvitation(tx, input.token);
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, invitation.email)).limit(1);
    if (existing) {
      throw new AppError("conflict:account_exists", {
        message: `An account with ${invitation.email} already exists. Sign in with it, then open the invitation link again.`,
      });
    }
    const userId = newId("usr");
    await tx.insert(users).values({ id: userId, email: invitation.email, name: input.name, passwordHash });
    await acceptLocked(tx, invitation, { id: userId, email: invitation.email }, ip);
    return { email: invitation.email, organizationId: invitation.organizationId };
  });
}

/**
 * GitHub or OIDC proved that the person controls `email`: their open invitations count as accepted. Someone without
 * an account gets one (no password: they sign in through the provider, or set one with a reset). Returns whether
 * anything was joined.
 */
export async function joinInvitationsByVerifiedEmail({ email, name }: { email: string; name?: string | null }): Promise<boolean> {
  const open = await listOpenInvitationsForEmail(email);
  if (open.length === 0) return false;
  const address = email.trim().toLowerCase();
  const db = await getDb();
  let user = await findUserForSignIn(address);
  if (!user) {
    const id = newId("usr");
    const displayName = name?.trim() ? name.trim().slice(0, 100) : address.split("@")[0]!;
    await db.insert(users).values({ id, email: address, name: displayName }).onConflictDoNothing();
    user = await findUserForSignIn(address);
    if (!user) return false;
  }
  const person = { id: user.id, email: user.email };
  let joined = false;
  for (const invitation of open) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .select({ id: invitations.id, organizationId: invitations.organizationId, organizationName: organizations.name, email: invitations.email, role: invitations.role })
        .from(invitations)
        .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
        .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, new Date())))
        .for("update", { of: invitations });
      if (!row) return;
      await acceptLocked(tx, row, person, null);
      joined = true;
    });
  }
  if (joined) logger.info("joined organizations through a verified email", { userId: person.id });
  return joined;
}

/** For actions: the audit context of a signed-in person. */
export async function auditContextOf(ctx: SessionContext): Promise<AuditContext> {
  return { actor: actorOf(ctx), ip: await requestIp() };
}

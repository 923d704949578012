import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { getDb } from "@/db";
import { invitations, organizations, users, type Role } from "@/db/schema";

export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  createdAt: Date;
  sentAt: Date;
  expiresAt: Date;
  expired: boolean;
  invitedByName: string | null;
}

/** The organization's invitations nobody accepted or revoked yet (expired ones too: they can be resent). */
export async function listPendingInvitations({ orgId }: { orgId: string }): Promise<PendingInvitation[]> {
  const db = await getDb();
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      createdAt: invitations.createdAt,
      sentAt: invitations.sentAt,
      expiresAt: invitations.expiresAt,
      expired: sql<boolean>`${invitations.expiresAt} <= now()`,
      invitedByName: users.name,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.organizationId, orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .orderBy(asc(invitations.createdAt));
}

export type InvitationState = "valid" | "expired" | "revoked" | "used" | "organization_deactivated";

export interface InvitationView {
  id: string;
  organizationId: string;
  organizationName: string;
  email: string;
  role: Role;
  expiresAt: Date;
  invitedByName: string | null;
  state: InvitationState;
  /** Who accepted it (for "you already joined"), when used. */
  acceptedBy: string | null;
  /** Whether a Herald account with the invited email exists (decides between "create an account" and "sign in"). */
  accountExists: boolean;
}

/** What an invitation link points at, by its token's hash; undefined when no invitation has it. */
export async function findInvitationByTokenHash(tokenHash: string, now = new Date()): Promise<InvitationView | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({
      id: invitations.id,
      organizationId: invitations.organizationId,
      organizationName: organizations.name,
      deactivatedAt: organizations.deactivatedAt,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      acceptedBy: invitations.acceptedBy,
      revokedAt: invitations.revokedAt,
      invitedByName: users.name,
      accountExists: sql<boolean>`exists (select 1 from ${users} u where lower(u.email) = ${invitations.email})`,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(eq(invitations.tokenHash, tokenHash))
    .limit(1);
  if (!row) return undefined;
  const state: InvitationState = row.acceptedAt
    ? "used"
    : row.revokedAt
      ? "revoked"
      : row.deactivatedAt
        ? "organization_deactivated"
        : row.expiresAt <= now
          ? "expired"
          : "valid";
  return {
    id: row.id,
    organizationId: row.organizationId,
    organizationName: row.organizationName,
    email: row.email,
    role: row.role,
    expiresAt: row.expiresAt,
    invitedByName: row.invitedByName,
    state,
    acceptedBy: row.acceptedBy,
    accountExists: Boolean(row.accountExists),
  };
}

/** Pending, unexpired invitations for an email in active organizations (GitHub/OIDC sign-in links to these). */
export async function listOpenInvitationsForEmail(email: string): Promise<{ id: string; organizationId: string; role: Role }[]> {
  const db = await getDb();
  return db
    .select({ id: invitations.id, organizationId: invitations.organizationId, role: invitations.role })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(
      and(
        eq(invitations.email, email.trim().toLowerCase()),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, new Date()),
        isNull(organizations.deactivatedAt),
      ),
    )
    .orderBy(asc(invitations.createdAt));
}

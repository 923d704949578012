import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Db } from "@/db";
import { authSessions, memberships, organizations, portalLinks, users, type Role } from "@/db/schema";
import { recordAudit, type AuditActor } from "@/lib/audit";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { emailField, roleField } from "@/lib/people/fields";
import { hashToken, newToken, TOKEN_PATTERN } from "@/lib/people/tokens";

/**
 * Magic links into one organization's portal (Svix calls them App Portal links). The platform's backend asks for one
 * (`POST /api/platform/v1/organizations/{org}/portal-sessions`) and sends its user there, or frames it; opening it
 * signs the browser into that organization without a password of its own. Only the token's SHA-256 is stored, the
 * token itself never leaves the answer to that request (nothing logs it), and a guarded UPDATE makes each link
 * open exactly once however many browsers try at the same moment.
 */

export const PORTAL_LINK_DEFAULT_TTL_SECONDS = 5 * 60;
export const PORTAL_LINK_MIN_TTL_SECONDS = 5;
export const PORTAL_LINK_MAX_TTL_SECONDS = 60 * 60;
/** How long the session a link opens lasts (a working day): the platform mints a new link for the next visit. */
export const PORTAL_SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** The domain of the identities anonymous portal sessions act as: .invalid never receives mail (RFC 2606). */
const PORTAL_IDENTITY_DOMAIN = "portal.invalid";

/** Where a magic link may send people back to: an http(s) URL on one of PORTAL_RETURN_ORIGINS. */
export function checkReturnUrl(value: string, origins: readonly string[] = env.portal.returnOrigins): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "returnUrl must be an absolute URL, e.g. https://app.example.com/settings/webhooks.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "returnUrl must be an http(s) URL.";
  if (url.username || url.password) return "returnUrl must not carry a user name or password.";
  if (origins.length === 0) return "returnUrl is not accepted: this Herald has no PORTAL_RETURN_ORIGINS configured.";
  if (!origins.includes(url.origin)) return `returnUrl must be on one of PORTAL_RETURN_ORIGINS (${origins.join(", ")}).`;
  return undefined;
}

/** The body of a portal-session request, shared by the platform API and its OpenAPI document. */
export const portalSessionRequestSchema = z
  .object({
    email: emailField
      .refine((e) => !e.endsWith(`@${PORTAL_IDENTITY_DOMAIN}`), "That address is reserved for anonymous portal sessions.")
      .optional()
      .describe("The person the session is for; made a member with `role` if they are not one yet. Leave out for an anonymous portal session."),
    role: roleField.default("member").describe("The anonymous session's role, or a newly added member's (an existing member keeps theirs)."),
    returnUrl: z
      .string({ error: "returnUrl must be a string." })
      .max(2000, "returnUrl is too long (2000 characters at most).")
      .superRefine((value, ctx) => {
        const problem = checkReturnUrl(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .describe('Where the portal\'s "Back to ..." link leads; its origin must be in PORTAL_RETURN_ORIGINS.'),
    expiresInSeconds: z
      .int({ error: "expiresInSeconds must be a whole number of seconds." })
      .min(PORTAL_LINK_MIN_TTL_SECONDS, `expiresInSeconds must be at least ${PORTAL_LINK_MIN_TTL_SECONDS}.`)
      .max(PORTAL_LINK_MAX_TTL_SECONDS, `expiresInSeconds must be at most ${PORTAL_LINK_MAX_TTL_SECONDS} (one hour).`)
      .default(PORTAL_LINK_DEFAULT_TTL_SECONDS)
      .describe("How long the link can be opened: 300 (5 minutes) unless set, at most 3600."),
    embedded: z.boolean({ error: "embedded must be true or false." }).default(false).describe("Open in the embedded layout, for a frame (needs PORTAL_EMBED_ORIGINS)."),
  })
  .strict();

export type PortalSessionRequest = z.output<typeof portalSessionRequestSchema>;

/** The answer: the link to open and until when it opens. */
export const portalSessionResponseSchema = z.object({
  url: z.url().describe("The magic link. It opens once."),
  expiresAt: z.iso.datetime().describe("After this, the link opens nothing."),
});

function actorKey(actor: AuditActor): string {
  return actor.type === "system" ? "system" : `${actor.type}:${actor.id}`;
}

function actorFromKey(key: string): AuditActor {
  const [type, id] = key.split(":", 2);
  if ((type === "platform_key" || type === "api_key" || type === "user") && id) return { type, id };
  return { type: "system" };
}

/**
 * A new magic link for an organization. `baseUrl` is the portal's public origin (APP_URL, or the origin the request
 * came to). A deactivated organization gets none: nobody could sign in to it.
 */
export async function issuePortalLink(p: {
  orgId: string;
  input: PortalSessionRequest;
  actor: AuditActor;
  ip?: string | null;
  baseUrl: string;
}): Promise<{ id: string; url: string; expiresAt: Date }> {
  const db = await getDb();
  const [org] = await db
    .select({ id: organizations.id, name: organizations.name, deactivatedAt: organizations.deactivatedAt, isPlatform: organizations.isPlatform })
    .from(organizations)
    .where(eq(organizations.id, p.orgId))
    .limit(1);
  if (!org || org.isPlatform) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  if (org.deactivatedAt) {
    throw new AppError("conflict:organization_deactivated", { message: `${org.name} is deactivated: nobody can sign in to it until it is reactivated.` });
  }
  if (p.input.embedded && env.portal.embedOrigins.length === 0) {
    throw new AppError("bad_request:embedding_off", {
      message: "embedded links need PORTAL_EMBED_ORIGINS: without it the portal refuses to be shown in a frame.",
    });
  }
  const { token, hash } = newToken();
  const id = newId("plk");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + p.input.expiresInSeconds * 1000);
  await db.transaction(async (tx) => {
    await tx.insert(portalLinks).values({
      id,
      organizationId: org.id,
      tokenHash: hash,
      email: p.input.email ?? null,
      role: p.input.role,
      returnUrl: p.input.returnUrl ?? null,
      embedded: p.input.embedded,
      createdBy: actorKey(p.actor),
      createdAt: now,
      expiresAt,
    });
    await recordAudit(
      {
        organizationId: org.id,
        actor: p.actor,
        action: "portal_link.created",
        target: { type: "portal_link", id },
        ip: p.ip,
        changes: {
          email: p.input.email ?? "(anonymous portal session)",
          role: p.input.role,
          embedded: p.input.embedded,
          expiresAt: expiresAt.toISOString(),
          ...(p.input.returnUrl ? { returnUrl: p.input.returnUrl } : {}),
        },
      },
      { tx },
    );
  });
  return { id, url: `${p.baseUrl.replace(/\/+$/, "")}/portal/${token}`, expiresAt };
}

export type PortalLinkState = "ready" | "used" | "expired" | "organization_deactivated";

export const PORTAL_LINK_MESSAGES: Record<PortalLinkState | "invalid", { title: string; message: string }> = {
  invalid: {
    title: "Link not valid",
    message: "This sign-in link is not valid. Check that the whole link was copied, or open the portal again from the platform you came from.",
  },
  ready: { title: "Opening the portal", message: "" },
  used: {
    title: "Link already used",
    message: "This sign-in link was already used: each link opens the portal once. Open the portal again from the platform you came from to get a new one.",
  },
  expired: {
    title: "Link expired",
    message: "This sign-in link has expired: links work for a few minutes only. Open the portal again from the platform you came from to get a new one.",
  },
  organization_deactivated: {
    title: "Organization not active",
    message: "This organization is not active on Herald any more, so nobody can sign in to it. Contact the platform's administrators.",
  },
};

export interface PortalLinkView {
  state: PortalLinkState;
  organizationName: string;
  embedded: boolean;
  returnUrl: string | null;
}

function stateOf(row: { usedAt: Date | null; expiresAt: Date; deactivatedAt: Date | null }, now: Date): PortalLinkState {
  if (row.usedAt) return "used";
  if (row.deactivatedAt) return "organization_deactivated";
  if (row.expiresAt.getTime() <= now.getTime()) return "expired";
  return "ready";
}

async function findLink(db: Db, token: string) {
  const [row] = await db
    .select({
      id: portalLinks.id,
      usedAt: portalLinks.usedAt,
      expiresAt: portalLinks.expiresAt,
      embedded: portalLinks.embedded,
      returnUrl: portalLinks.returnUrl,
      organizationName: organizations.name,
      deactivatedAt: organizations.deactivatedAt,
    })
    .from(portalLinks)
    .innerJoin(organizations, eq(organizations.id, portalLinks.organizationId))
    .where(eq(portalLinks.tokenHash, hashToken(token)))
    .limit(1);
  return row;
}

/** What a link points at, for the page that opens it (reading never uses it up); undefined: no such link. */
export async function inspectPortalLink(token: string): Promise<PortalLinkView | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const row = await findLink(await getDb(), token);
  if (!row) return undefined;
  return { state: stateOf(row, new Date()), organizationName: row.organizationName, embedded: row.embedded, returnUrl: row.returnUrl };
}

export type OpenPortalLinkResult =
  | { ok: true; sessionId: string; userId: string; orgId: string; embedded: boolean; maxAgeSeconds: number }
  | { ok: false; reason: Exclude<PortalLinkState, "ready"> | "invalid" };

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** The person a link with an email is for: found by address, or created without a password (they have none here). */
async function personFor(tx: Tx, email: string): Promise<{ id: string; email: string; created: boolean }> {
  const find = async () =>
    (
      await tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(eq(sql`lower(${users.email})`, email))
        .limit(1)
    )[0];
  const known = await find();
  if (known) return { ...known, created: false };
  const id = newId("usr");
  const inserted = await tx
    .insert(users)
    .values({ id, email, name: email.split("@")[0] ?? email })
    .onConflictDoNothing()
    .returning({ id: users.id, email: users.email });
  if (inserted[0]) return { ...inserted[0], created: true };
  // Someone else created the address in between: theirs it is.
  const raced = await find();
  if (!raced) throw new Error("person vanished while opening a magic link");
  return { ...raced, created: false };
}

/** The one identity an organization's anonymous portal sessions act as (no password, no membership). */
async function portalIdentityFor(tx: Tx, org: { id: string; name: string }): Promise<{ id: string; email: string }> {
  const find = async () =>
    (
      await tx
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(eq(users.portalOrganizationId, org.id))
        .limit(1)
    )[0];
  const known = await find();
  if (known) return known;
  await tx
    .insert(users)
    .values({ id: newId("usr"), email: `portal+${org.id}@${PORTAL_IDENTITY_DOMAIN}`, name: `${org.name} portal`.slice(0, 120), portalOrganizationId: org.id })
    .onConflictDoNothing();
  const created = await find();
  if (!created) throw new Error("portal identity missing after insert");
  return created;
}

/**
 * Opens a magic link: uses it up and starts the portal session it grants (the auth_sessions row a sign-in would
 * create, marked as a portal session with the link's settings). One statement decides who wins: the UPDATE only
 * matches a link that is unused, unexpired and of an active organization, so of two opens at once exactly one gets
 * the row and the other is told the link was used. With an email, someone not yet a member becomes one (audited).
 */
export async function openPortalLink(token: string, request: { userAgent?: string | null; ip?: string | null } = {}): Promise<OpenPortalLinkResult> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: "invalid" };
  const db = await getDb();
  const tokenHash = hashToken(token);
  const now = new Date();
  return db.transaction(async (tx): Promise<OpenPortalLinkResult> => {
    const [link] = await tx
      .update(portalLinks)
      .set({ usedAt: now })
      .where(
        and(
          eq(portalLinks.tokenHash, tokenHash),
          isNull(portalLinks.usedAt),
          gt(portalLinks.expiresAt, now),
          sql`exists (select 1 from ${organizations} where ${organizations.id} = ${portalLinks.organizationId} and ${organizations.deactivatedAt} is null)`,
        ),
      )
      .returning();
    if (!link) {
      const row = await findLink(tx, token);
      if (!row) return { ok: false, reason: "invalid" };
      const state = stateOf(row, now);
      // A link whose row changed between the UPDATE and this read (it was just used) counts as used.
      return { ok: false, reason: state === "ready" ? "used" : state };
    }
    const [org] = await tx.select({ id: organizations.id, name: organizations.name }).from(organizations).where(eq(organizations.id, link.organizationId));
    if (!org) return { ok: false, reason: "invalid" };

    let person: { id: string; email: string };
    let portalRole: Role | null = null;
    if (link.email) {
      const found = await personFor(tx, link.email);
      person = found;
      const joined = await tx
        .insert(memberships)
        .values({ userId: found.id, organizationId: org.id, role: link.role })
        .onConflictDoNothing()
        .returning({ role: memberships.role });
      if (joined[0]) {
        await recordAudit(
          {
            organizationId: org.id,
            actor: actorFromKey(link.createdBy),
            action: "member.provisioned",
            target: { type: "user", id: found.id },
            ip: request.ip,
            changes: { email: found.email, role: link.role, account: found.created ? "created" : "existing", link: link.id },
          },
          { tx },
        );
      }
    } else {
      person = await portalIdentityFor(tx, org);
      portalRole = link.role;
    }

    const sessionId = newId("ses", 32);
    await tx.insert(authSessions).values({
      id: sessionId,
      userId: person.id,
      organizationId: org.id,
      userAgent: request.userAgent?.slice(0, 300) ?? null,
      ip: request.ip?.slice(0, 64) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + PORTAL_SESSION_MAX_AGE_SECONDS * 1000),
      portalLinkId: link.id,
      portalRole,
      portalReturnUrl: link.returnUrl,
      portalEmbedded: link.embedded,
    });
    await tx.update(portalLinks).set({ sessionId }).where(eq(portalLinks.id, link.id));
    await recordAudit(
      {
        organizationId: org.id,
        actor: { type: "user", id: person.id, email: person.email },
        action: "portal_session.opened",
        target: { type: "portal_link", id: link.id },
        ip: request.ip,
        changes: { embedded: link.embedded, ...(portalRole ? { role: portalRole } : {}) },
      },
      { tx },
    );
    return { ok: true, sessionId, userId: person.id, orgId: org.id, embedded: link.embedded, maxAgeSeconds: PORTAL_SESSION_MAX_AGE_SECONDS };
  });
}

/**
 * Deletes links that expired more than a day ago, used or not (hourly, with the other housekeeping): they can open
 * nothing any more, and the sessions they opened keep their own copy of what they need.
 */
export async function purgeOldPortalLinks(now = new Date()): Promise<{ portalLinks: number }> {
  const db = await getDb();
  const gone = await db
    .delete(portalLinks)
    .where(lt(portalLinks.expiresAt, new Date(now.getTime() - 24 * 60 * 60 * 1000)))
    .returning({ id: portalLinks.id });
  return { portalLinks: gone.length };
}

import { createHash } from "node:crypto";
import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "@/db";
import { LOGS_PAGE_SIZE, listDeliveries, type DeliveryListRow } from "@/db/queries/deliveries";
import { findOrganizationClashes } from "@/db/queries/organizations";
import { organizations, platformIdempotencyKeys } from "@/db/schema";
import { setPlanAs } from "@/lib/billing/manual";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { createInvitation } from "@/lib/people/invitations";
import { createOrganizationAs, setOrganizationActiveAs, updateOrganizationAs, type OrganizationActor } from "@/lib/people/organizations";
import type { PlatformCaller } from "./keys";
import { platformActor, type ResolvedOrganization } from "./respond";
import type { CreatePlatformOrganization, OrganizationResource } from "./schemas";

/** Who acts through the platform API: the key, for the audit log and the billing page's "set by". */
export function platformBy(caller: PlatformCaller, ip: string | null): OrganizationActor & { label: string; source: string } {
  return { actor: platformActor(caller), ip, label: `platform key "${caller.keyName}"`, source: `set through the platform API (${caller.keyId})` };
}

export function toOrganizationResource(o: ResolvedOrganization): OrganizationResource {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    plan: o.plan,
    externalId: o.externalId,
    active: o.deactivatedAt === null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

const RESOURCE_COLUMNS = {
  id: organizations.id,
  name: organizations.name,
  slug: organizations.slug,
  plan: organizations.plan,
  externalId: organizations.externalId,
  deactivatedAt: organizations.deactivatedAt,
  createdAt: organizations.createdAt,
  updatedAt: organizations.updatedAt,
};

/** A partner organization by Herald's id, as the API answers it (never the platform's own organization). */
export async function getOrganizationResource(id: string): Promise<OrganizationResource | undefined> {
  const db = await getDb();
  const [row] = await db
    .select(RESOURCE_COLUMNS)
    .from(organizations)
    .where(and(eq(organizations.id, id), eq(organizations.isPlatform, false)))
    .limit(1);
  return row ? toOrganizationResource(row) : undefined;
}

/** A slug from a name: lower-case letters, digits and hyphens, 2-40 characters. */
export function slugFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug.length >= 2 ? slug : `org-${slug}`.replace(/-$/, "");
}

async function freeSlug(name: string): Promise<string> {
  const base = slugFromName(name);
  for (let i = 0; i < 5; i += 1) {
    const slug = i === 0 ? base : `${base}-${newId("s", 6).slice(2)}`;
    const clash = await findOrganizationClashes({ slug, externalId: null });
    if (!clash.slug) return slug;
  }
  return `${base}-${newId("s", 10).slice(2)}`;
}

const requestHashOf = (input: CreatePlatformOrganization) =>
  createHash("sha256")
    .update(JSON.stringify([input.name, input.externalId ?? null, input.plan, input.slug ?? null]))
    .digest("hex");

/** The outcome of POST /organizations: 201 created, 200 an idempotent repeat. */
export type CreateOutcome = { status: 201 | 200; organization: OrganizationResource };

async function replayOf(key: string, requestHash: string): Promise<CreateOutcome | undefined> {
  const db = await getDb();
  const [seen] = await db.select().from(platformIdempotencyKeys).where(eq(platformIdempotencyKeys.key, key)).limit(1);
  if (!seen) return undefined;
  if (seen.requestHash !== requestHash) {
    throw new AppError("conflict:idempotency_key", {
      message: "This idempotency key was already used with a different request. Use a new key for a new organization.",
    });
  }
  const organization = await getOrganizationResource(seen.organizationId);
  if (!organization) throw new AppError("conflict:idempotency_key", { message: "The organization this idempotency key created no longer exists." });
  return { status: 200, organization };
}

/** 409 naming the organization that already has the external id. */
export class ExternalIdTaken extends Error {
  constructor(
    readonly existingId: string,
    readonly externalId: string,
  ) {
    super(`An organization with the external id "${externalId}" already exists: ${existingId}.`);
  }
}

async function findByExternalId(externalId: string): Promise<string | undefined> {
  const db = await getDb();
  const [row] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.externalId, externalId)).limit(1);
  return row?.id;
}

/**
 * POST /organizations: creates the organization, recorded as the key. With an idempotency key seen before (and the
 * same request), the first result again (200); the same external id without one is an ExternalIdTaken (409).
 */
export async function createPlatformOrganization(input: CreatePlatformOrganization, idempotencyKey: string | undefined, by: OrganizationActor): Promise<CreateOutcome> {
  if (!idempotencyKey) return createOnce(input, undefined, by);
  // Requests with the same key wait for each other in this process, so the second sees the first's result.
  const previous = inFlight.get(idempotencyKey) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => createOnce(input, idempotencyKey, by));
  const settled = mine.catch(() => undefined);
  inFlight.set(idempotencyKey, settled);
  try {
    return await mine;
  } finally {
    if (inFlight.get(idempotencyKey) === settled) inFlight.delete(idempotencyKey);
  }
}

const inFlight = new Map<string, Promise<unknown>>();

/**
 * One request's work, without the in-process queue above: what a request in another process does. Exported for the
 * test of two processes racing with one key.
 */
export async function createOnce(input: CreatePlatformOrganization, idempotencyKey: string | undefined, by: OrganizationActor): Promise<CreateOutcome> {
  const requestHash = requestHashOf(input);
  if (idempotencyKey) {
    const replay = await replayOf(idempotencyKey, requestHash);
    if (replay) return replay;
  }
  if (input.externalId) {
    const existing = await findByExternalId(input.externalId);
    if (existing) {
      // The same request may have committed since the look above (its key and organization commit together).
      const replay = idempotencyKey ? await replayOf(idempotencyKey, requestHash) : undefined;
      if (replay) return replay;
      throw new ExternalIdTaken(existing, input.externalId);
    }
  }
  let created;
  try {
    created = await createOrganizationAs(
      { name: input.name, slug: input.slug ?? (await freeSlug(input.name)), plan: input.plan, externalId: input.externalId ?? null },
      by,
      {
        // The key is recorded in the organization's own transaction, by a plain insert: when a request with the same
        // key in another process recorded it first, this insert waits for that commit and fails, and this
        // organization is rolled back with it (the catch below then answers with the first one). Recorded after
        // the commit instead, both requests created an organization.
        alsoInTransaction: idempotencyKey
          ? async (tx, org) => {
              await tx.insert(platformIdempotencyKeys).values({ key: idempotencyKey, requestHash, organizationId: org.id });
            }
          : undefined,
      },
    );
  } catch (error) {
    // A concurrent request with the same key or external id won the race: answer as if it had come first.
    if (idempotencyKey) {
      const replay = await replayOf(idempotencyKey, requestHash);
      if (replay) return replay;
    }
    if (input.externalId) {
      const existing = await findByExternalId(input.externalId);
      if (existing) throw new ExternalIdTaken(existing, input.externalId);
    }
    throw error;
  }
  const organization = await getOrganizationResource(created.id);
  return { status: 201, organization: organization! };
}

function encodeCursor(parts: [string, string]): string {
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

/** A cursor's (time, id): the time as PostgreSQL wrote it (microseconds: a JavaScript Date would cut them off). */
function decodeCursor(cursor: string, what: string): [string, string] {
  const bad = new AppError("bad_request:cursor", { message: `That cursor is not valid: pass nextCursor from the previous page of ${what} as it is.` });
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad;
  }
  if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== "string" || typeof parts[1] !== "string") throw bad;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(parts[0]) || Number.isNaN(Date.parse(parts[0]))) throw bad;
  if (!/^[a-z]{2,5}_[0-9a-z]{1,40}$/.test(parts[1])) throw bad;
  return [parts[0], parts[1]];
}

/** created_at in UTC with its microseconds, for a cursor. */
const exactCreatedAt = sql<string>`to_char(${organizations.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** GET /organizations: partner organizations in creation order, a keyset page at a time. */
export async function listPlatformOrganizations(query: { externalId?: string; cursor?: string; limit: number }) {
  const conditions: (SQL | undefined)[] = [eq(organizations.isPlatform, false)];
  if (query.externalId) conditions.push(eq(organizations.externalId, query.externalId));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, "organizations");
    conditions.push(sql`(${organizations.createdAt}, ${organizations.id}) > (${at}::timestamptz, ${id})`);
  }
  const db = await getDb();
  const rows = await db
    .select({ ...RESOURCE_COLUMNS, exactCreatedAt })
    .from(organizations)
    .where(and(...conditions))
    .orderBy(asc(organizations.createdAt), asc(organizations.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  const last = page.at(-1);
  return {
    data: page.map(toOrganizationResource),
    nextCursor: hasMore && last ? encodeCursor([last.exactCreatedAt, last.id]) : null,
    hasMore,
  };
}

/** PATCH /organizations/{org}: name, plan and active through the same operations as Admin -> Organizations. */
export async function updatePlatformOrganization(
  org: ResolvedOrganization,
  input: { name?: string; plan?: ResolvedOrganization["plan"]; active?: boolean },
  by: ReturnType<typeof platformBy>,
): Promise<OrganizationResource> {
  if (input.name !== undefined) await updateOrganizationAs({ id: org.id, name: input.name }, by);
  if (input.plan !== undefined && input.plan !== org.plan) await setPlanAs({ organizationId: org.id, plan: input.plan }, by);
  if (input.active !== undefined) await setOrganizationActiveAs({ id: org.id, active: input.active }, by);
  const after = await getOrganizationResource(org.id);
  if (!after) throw new AppError("not_found:organization", { message: "That organization does not exist." });
  return after;
}

/** POST /organizations/{org}/invitations: the portal's invitation (email sent, or kept without SMTP). */
export async function invitePlatformMember(org: ResolvedOrganization, input: { email: string; role: "owner" | "member" }, by: OrganizationActor) {
  const invitation = await createInvitation({ orgId: org.id, email: input.email, role: input.role, invitedBy: null }, by);
  return { id: invitation.id, organizationId: org.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString() };
}

function toDeliveryResource(d: DeliveryListRow) {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    endpointId: d.endpointId,
    endpointUrl: d.endpointUrl,
    status: d.status,
    test: d.test,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    lastStatusCode: d.lastStatusCode,
    lastErrorClass: d.lastErrorClass,
    lastDurationMs: d.lastDurationMs,
    createdAt: d.createdAt.toISOString(),
  };
}

/** A deliveries cursor: (microseconds since the epoch as PostgreSQL stores created_at, id). */
function decodeDeliveryCursor(cursor: string): { createdAt: Date; id: string; micros: string } {
  const bad = new AppError("bad_request:cursor", { message: "That cursor is not valid: pass nextCursor from the previous page of deliveries as it is." });
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad;
  }
  if (!Array.isArray(parts) || parts.length !== 2 || typeof parts[0] !== "string" || typeof parts[1] !== "string") throw bad;
  if (!/^\d{1,17}$/.test(parts[0]) || !/^dlv_[0-9a-z]{1,40}$/.test(parts[1])) throw bad;
  return { createdAt: new Date(Number(parts[0]) / 1000), id: parts[1], micros: parts[0] };
}

/** GET /organizations/{org}/deliveries: newest first, the Logs page's query and page size, an exact keyset cursor. */
export async function listPlatformDeliveries(org: ResolvedOrganization, query: { status?: DeliveryListRow["status"]; cursor?: string }) {
  const before = query.cursor ? decodeDeliveryCursor(query.cursor) : undefined;
  const rows = await listDeliveries({ orgId: org.id }, { status: query.status, before });
  const page = rows.slice(0, LOGS_PAGE_SIZE);
  const hasMore = rows.length > LOGS_PAGE_SIZE;
  const last = page.at(-1);
  return {
    data: page.map(toDeliveryResource),
    nextCursor: hasMore && last ? encodeCursor([last.createdAtMicros, last.id]) : null,
    hasMore,
  };
}

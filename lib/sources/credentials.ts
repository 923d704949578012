import { randomBytes } from "node:crypto";
import { and, asc, eq, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { getDb, rowsOf } from "@/db";
import { credentials, type Credential, type CredentialStatus } from "@/db/schema";
import type {
  CredentialView,
  issueCredentialSchema,
  listCredentialsQuerySchema,
  renewCredentialSchema,
  revokeCredentialSchema,
} from "@/lib/api/schemas";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { addToOutbox, flushOutbox, type OutboxEvent } from "./outbox";

const ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A public credential id like `CRD-ZBUYQMTA`: 8 characters without look-alikes (no I, O, 0, 1). */
export function newCredentialId(prefix = "CRD"): string {
  let out = "";
  for (const byte of randomBytes(8)) out += ID_ALPHABET[byte % ID_ALPHABET.length];
  return `${prefix}-${out}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A credential is addressed by its credential id (CRD-...) or its UUID. */
function idMatches(id: string): SQL {
  return UUID.test(id) ? eq(credentials.uuid, id.toLowerCase()) : eq(credentials.id, id);
}

export function credentialView(row: Credential): CredentialView {
  return {
    credentialId: row.id,
    credentialUuid: row.uuid,
    badgeId: row.badgeId,
    recipientEmail: row.recipientEmail,
    recipientName: row.recipientName,
    status: row.status,
    issuanceDate: row.issuanceDate.toISOString(),
    expirationDate: row.expirationDate?.toISOString() ?? null,
    claimedAt: row.claimedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revocationReason: row.revocationReason,
    renewedFromId: row.renewedFromId,
    renewedById: row.renewedById,
    bulkIssuanceId: row.bulkIssuanceId,
    metadata: row.metadata,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The fields every credential event carries. */
export function credentialEventData(row: Credential): Record<string, unknown> {
  return {
    credentialId: row.id,
    credentialUuid: row.uuid,
    badgeId: row.badgeId,
    recipientEmail: row.recipientEmail,
    issuanceDate: row.issuanceDate.toISOString(),
    ...(row.expirationDate ? { expirationDate: row.expirationDate.toISOString() } : {}),
    ...(row.bulkIssuanceId ? { bulkIssuanceId: row.bulkIssuanceId } : {}),
  };
}

export const issuedEvent = (row: Credential): OutboxEvent => ({
  organizationId: row.organizationId,
  type: "credential.issued",
  data: credentialEventData(row),
  key: `credential.issued:${row.id}`,
});

async function findCredential(orgId: string, id: string): Promise<Credential> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(credentials)
    .where(and(idMatches(id), eq(credentials.organizationId, orgId)));
  if (!row) throw new AppError("not_found:credential", { message: "No credential with that id." });
  return row;
}

export async function getCredential(orgId: string, id: string): Promise<CredentialView> {
  return credentialView(await findCredential(orgId, id));
}

/** Issues one credential and announces `credential.issued`. A repeated idempotency key returns the first one. */
export async function issueCredential(
  orgId: string,
  input: z.output<typeof issueCredentialSchema>,
): Promise<{ credential: CredentialView; duplicate: boolean }> {
  const db = await getDb();
  for (let tries = 0; tries < 5; tries++) {
    const done = await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(credentials)
        .values({
          id: newCredentialId(),
          organizationId: orgId,
          badgeId: input.badgeId,
          recipientEmail: input.recipientEmail,
          recipientName: input.recipientName ?? null,
          issuanceDate: input.issuanceDate ? new Date(input.issuanceDate) : new Date(),
          expirationDate: input.expirationDate ? new Date(input.expirationDate) : null,
          metadata: input.metadata ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
        })
        .onConflictDoNothing()
        .returning();
      if (!row) return undefined;
      return { row, keys: await addToOutbox(tx, [issuedEvent(row)]) };
    });
    if (done) {
      await flushOutbox({ keys: done.keys });
      return { credential: credentialView(done.row), duplicate: false };
    }
    if (input.idempotencyKey) {
      const [first] = await db
        .select()
        .from(credentials)
        .where(and(eq(credentials.organizationId, orgId), eq(credentials.idempotencyKey, input.idempotencyKey)));
      if (first) return { credential: credentialView(first), duplicate: true };
    }
    // Otherwise the random id was taken: draw another.
  }
  throw new AppError("internal:credential_id", { message: "The credential could not be issued. Please try again." });
}

const STATUS_WORDS: Record<CredentialStatus, string> = {
  issued: "issued and not claimed",
  claimed: "already claimed",
  revoked: "revoked",
  expired: "expired",
  superseded: "superseded by a renewal",
};

/**
 * One guarded transition: the update only matches a credential in one of `from`, so of concurrent calls exactly one
 * wins; its event goes to the outbox in the same transaction. The others get a 409 that says why.
 */
async function transition(
  orgId: string,
  id: string,
  from: CredentialStatus[],
  set: Partial<typeof credentials.$inferInsert>,
  event: (row: Credential) => OutboxEvent,
  action: string,
  extra?: SQL,
): Promise<Credential> {
  const db = await getDb();
  const done = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(credentials)
      .set({ ...set, updatedAt: new Date() })
      .where(and(idMatches(id), eq(credentials.organizationId, orgId), inArray(credentials.status, from), extra))
      .returning();
    if (!row) return undefined;
    return { row, keys: await addToOutbox(tx, [event(row)]) };
  });
  if (!done) {
    const current = await findCredential(orgId, id);
    const expired = current.expirationDate && current.expirationDate <= new Date() ? "expired" : STATUS_WORDS[current.status];
    throw new AppError("conflict:credential_status", { message: `The credential cannot be ${action}: it is ${expired}.` });
  }
  await flushOutbox({ keys: done.keys });
  return done.row;
}

/** The recipient claimed the credential: issued -> claimed, once, and only before it expires. */
export async function claimCredential(orgId: string, id: string): Promise<CredentialView> {
  const now = new Date();
  const row = await transition(
    orgId,
    id,
    ["issued"],
    { status: "claimed", claimedAt: now },
    (r) => ({
      organizationId: orgId,
      type: "credential.claimed",
      data: { ...credentialEventData(r), claimedAt: r.claimedAt!.toISOString() },
      key: `credential.claimed:${r.id}`,
    }),
    "claimed",
    or(sql`${credentials.expirationDate} is null`, gt(credentials.expirationDate, now)),
  );
  return credentialView(row);
}

/** Revokes an issued or claimed credential, once. */
export async function revokeCredential(orgId: string, id: string, input: z.output<typeof revokeCredentialSchema>): Promise<CredentialView> {
  const row = await transition(
    orgId,
    id,
    ["issued", "claimed"],
    { status: "revoked", revokedAt: new Date(), revocationReason: input.reason || null },
    (r) => ({
      organizationId: orgId,
      type: "credential.revoked",
      data: { ...credentialEventData(r), revokedAt: r.revokedAt!.toISOString(), ...(r.revocationReason ? { reason: r.revocationReason } : {}) },
      key: `credential.revoked:${r.id}`,
    }),
    "revoked",
  );
  return credentialView(row);
}

/**
 * Renews a credential: a successor with the same badge and recipient supersedes it (issued, claimed or expired
 * credentials can be renewed, once), announced as `credential.renewed` with both ids.
 */
export async function renewCredential(
  orgId: string,
  id: string,
  input: z.output<typeof renewCredentialSchema>,
): Promise<{ credential: CredentialView; previous: CredentialView }> {
  const db = await getDb();
  const now = new Date();
  const done = await db.transaction(async (tx) => {
    const successorId = newCredentialId();
    const [old] = await tx
      .update(credentials)
      .set({ status: "superseded", renewedById: successorId, updatedAt: now })
      .where(and(idMatches(id), eq(credentials.organizationId, orgId), inArray(credentials.status, ["issued", "claimed", "expired"])))
      .returning();
    if (!old) return undefined;
    const validity = old.expirationDate ? old.expirationDate.getTime() - old.issuanceDate.getTime() : undefined;
    const expirationDate = input.expirationDate ? new Date(input.expirationDate) : validity && validity > 0 ? new Date(now.getTime() + validity) : null;
    const [successor] = await tx
      .insert(credentials)
      .values({
        id: successorId,
        organizationId: orgId,
        badgeId: old.badgeId,
        recipientEmail: old.recipientEmail,
        recipientName: old.recipientName,
        issuanceDate: now,
        expirationDate,
        metadata: old.metadata,
        renewedFromId: old.id,
      })
      .returning();
    const keys = await addToOutbox(tx, [
      {
        organizationId: orgId,
        type: "credential.renewed",
        data: {
          ...credentialEventData(successor!),
          previousCredentialId: old.id,
          previousCredentialUuid: old.uuid,
          renewedAt: now.toISOString(),
        },
        key: `credential.renewed:${old.id}`,
      },
    ]);
    return { old, successor: successor!, keys };
  });
  if (!done) {
    const current = await findCredential(orgId, id);
    throw new AppError("conflict:credential_status", { message: `The credential cannot be renewed: it is ${STATUS_WORDS[current.status]}.` });
  }
  await flushOutbox({ keys: done.keys });
  return { credential: credentialView(done.successor), previous: credentialView(done.old) };
}

const EXPIRY_BATCH = 500;

/**
 * Announces `credential.expired` exactly once for each live credential past its expiration date. The rows are
 * claimed with SKIP LOCKED and marked in the same transaction that writes their events to the outbox, so
 * concurrent runs (several processes, or Inngest's cron beside a manual call) never announce one twice.
 */
export async function expireDueCredentials(now = new Date()): Promise<number> {
  const db = await getDb();
  let total = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const result = await tx.execute(sql`
        with due as (
          select id from credentials
          where expired_at is null and expiration_date is not null and status in ('issued', 'claimed')
            and expiration_date <= ${now.toISOString()}::timestamptz
          order by expiration_date
          limit ${EXPIRY_BATCH}
          for update skip locked
        )
        update credentials c set status = 'expired', expired_at = ${now.toISOString()}::timestamptz, updated_at = now()
        from due where c.id = due.id
        returning c.id
      `);
      const ids = rowsOf<{ id: string }>(result).map((r) => r.id);
      if (ids.length === 0) return { count: 0, keys: [] };
      const rows = await tx.select().from(credentials).where(inArray(credentials.id, ids));
      const keys = await addToOutbox(
        tx,
        rows.map((r) => ({
          organizationId: r.organizationId,
          type: "credential.expired" as const,
          data: { ...credentialEventData(r), expiredAt: r.expiredAt!.toISOString() },
          key: `credential.expired:${r.id}`,
        })),
      );
      return { count: ids.length, keys };
    });
    if (done.keys.length) await flushOutbox({ keys: done.keys });
    total += done.count;
    if (done.count < EXPIRY_BATCH) return total;
  }
}

/** A keyset cursor over (created_at, id), with created_at kept to the microsecond. */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && typeof value[1] === "string" && typeof value[0] === "string" && !Number.isNaN(Date.parse(value[0]))) {
      return [value[0], value[1]];
    }
  } catch {
    // Falls through to the error below.
  }
  throw new AppError("bad_request:cursor", { message: "The cursor is not valid: pass nextCursor from the previous page as it is." });
}

/**
 * Polling: the organization's credentials in creation order, filtered, a page at a time. `nextCursor` points after
 * the last credential returned (or stays where it was on an empty page), so a poller keeps it and asks again later
 * for what is new; `hasMore` says whether more are waiting now.
 */
export async function listCredentials(
  orgId: string,
  query: z.output<typeof listCredentialsQuerySchema>,
  settleMs = env.pollSettleMs,
): Promise<{ data: CredentialView[]; nextCursor: string | null; hasMore: boolean }> {
  const db = await getDb();
  const precise = sql<string>`to_char(${credentials.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const conditions: (SQL | undefined)[] = [
    eq(credentials.organizationId, orgId),
    sql`${credentials.createdAt} <= now() - (${settleMs} * interval '1 millisecond')`,
  ];
  if (query.status) conditions.push(eq(credentials.status, query.status));
  if (query.createdAfter) conditions.push(sql`${credentials.createdAt} > ${query.createdAfter}::timestamptz`);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    conditions.push(sql`(${credentials.createdAt}, ${credentials.id}) > (${at}::timestamptz, ${id})`);
  }
  const rows = await db
    .select({ row: credentials, precise })
    .from(credentials)
    .where(and(...conditions))
    .orderBy(asc(credentials.createdAt), asc(credentials.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => credentialView(r.row)),
    nextCursor: last ? encodeCursor(last.precise, last.row.id) : (query.cursor ?? null),
    hasMore: rows.length > query.limit,
  };
}

import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { getDb } from "@/db";
import { verificationSessions, type VerificationSession } from "@/db/schema";
import type { completeSessionSchema, createSessionSchema, SessionView } from "@/lib/api/schemas";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import type { EventType, SessionStatus } from "@/lib/events/catalog";
import { addToOutbox, flushOutbox } from "./outbox";

const EVENT_FOR_STATUS: Record<SessionStatus, EventType> = {
  COMPLETED: "session.completed",
  PARTIAL_COMPLETE: "session.partial_complete",
  ERROR: "session.error",
  CANCELLED: "session.cancelled",
  TERMINATED: "session.terminated",
};

export function sessionView(row: VerificationSession): SessionView {
  return {
    id: row.id,
    status: row.status,
    platform: row.platform,
    referenceId: row.referenceId,
    metadata: row.metadata,
    account: row.account,
    attestation: row.attestationSha256 ? { sha256: row.attestationSha256 } : null,
    completedAt: row.completedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The catalog payload for a session that reached its terminal status (account only when COMPLETED). */
export function sessionEventData(row: VerificationSession): Record<string, unknown> {
  return {
    sessionId: row.id,
    status: row.status,
    platform: row.platform,
    ...(row.referenceId ? { referenceId: row.referenceId } : {}),
    ...(row.status === "COMPLETED" && row.account ? { account: row.account } : {}),
    ...(row.attestationSha256 ? { attestation: { sha256: row.attestationSha256 } } : {}),
    completedAt: row.completedAt!.toISOString(),
    ...(row.metadata ? { metadata: row.metadata } : {}),
  };
}

/** Starts a verification session (PENDING). A repeated idempotency key returns the first session. */
export async function createSession(orgId: string, input: z.output<typeof createSessionSchema>): Promise<{ session: SessionView; duplicate: boolean }> {
  const db = await getDb();
  const [row] = await db
    .insert(verificationSessions)
    .values({
      id: newId("ses", 20),
      organizationId: orgId,
      platform: input.platform,
      referenceId: input.referenceId ?? null,
      metadata: input.metadata ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (row) return { session: sessionView(row), duplicate: false };
  const [first] = await db
    .select()
    .from(verificationSessions)
    .where(and(eq(verificationSessions.organizationId, orgId), eq(verificationSessions.idempotencyKey, input.idempotencyKey ?? "")));
  if (!first) throw new AppError("conflict:session", { message: "The session could not be created. Please try again." });
  return { session: sessionView(first), duplicate: true };
}

async function findSession(orgId: string, id: string): Promise<VerificationSession> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(verificationSessions)
    .where(and(eq(verificationSessions.id, id), eq(verificationSessions.organizationId, orgId)));
  if (!row) throw new AppError("not_found:session", { message: "No session with that id." });
  return row;
}

export async function getSession(orgId: string, id: string): Promise<SessionView> {
  return sessionView(await findSession(orgId, id));
}

function attestationHash(attestation: string | Record<string, unknown>): string {
  return createHash("sha256")
    .update(typeof attestation === "string" ? attestation : JSON.stringify(attestation))
    .digest("hex");
}

/**
 * Moves a PENDING session to its terminal status, exactly once: of concurrent calls one wins and the others get a
 * 409. The matching event is written to the outbox in the same transaction, so it is announced exactly once too.
 */
export async function completeSession(orgId: string, id: string, input: z.output<typeof completeSessionSchema>): Promise<SessionView> {
  const db = await getDb();
  const done = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(verificationSessions)
      .set({
        status: input.status,
        account: input.status === "COMPLETED" ? (input.account ?? null) : null,
        attestationSha256: input.attestation === undefined ? null : attestationHash(input.attestation),
        completedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(and(eq(verificationSessions.id, id), eq(verificationSessions.organizationId, orgId), eq(verificationSessions.status, "PENDING")))
      .returning();
    if (!row) return undefined;
    const keys = await addToOutbox(tx, [
      { organizationId: orgId, type: EVENT_FOR_STATUS[input.status], data: sessionEventData(row), key: `session.terminal:${row.id}` },
    ]);
    return { row, keys };
  });
  if (!done) {
    const existing = await findSession(orgId, id);
    throw new AppError("conflict:session_status", {
      message: `The session is already ${existing.status}; a session reaches a terminal status only once.`,
    });
  }
  await flushOutbox({ keys: done.keys });
  return sessionView(done.row);
}

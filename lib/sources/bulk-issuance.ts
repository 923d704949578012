import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db";
import { bulkIssuances, credentials, workflowRuns, type BulkFailure, type BulkIssuance, type BulkRecipient } from "@/db/schema";
import { BULK_ISSUANCE_REQUESTED } from "@/inngest/events";
import type { BulkIssuanceView, bulkIssueSchema } from "@/lib/api/schemas";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { localEngine } from "@/lib/delivery/dispatch";
import type { Steps } from "@/lib/workflows/steps";
import { issuedEvent, newCredentialId } from "./credentials";
import { addToOutbox, flushOutbox, SYSTEM_KEY_PREFIX } from "./outbox";

export const BULK_ISSUANCE_WORKFLOW = "issue-credentials-bulk";
/** Recipients issued per step: a crash repeats at most one chunk, and a chunk's inserts are idempotent. */
const CHUNK = 100;

const emailSchema = z.email();

export function bulkIssuanceView(row: BulkIssuance): BulkIssuanceView {
  return {
    id: row.id,
    badgeId: row.badgeId,
    status: row.status,
    recipientCount: row.recipients.length,
    issuedCount: row.issuedCount,
    failedCount: row.failedCount,
    failures: row.failures,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
  };
}

/**
 * Which recipients cannot be issued, decided from the request alone (so every replay decides the same): a malformed
 * address, or an address already listed earlier in the same request.
 */
export function bulkFailures(recipients: BulkRecipient[]): BulkFailure[] {
  const seen = new Set<string>();
  const failures: BulkFailure[] = [];
  recipients.forEach((r, index) => {
    const email = r.email.trim();
    if (!emailSchema.safeParse(email).success) failures.push({ index, email: email.slice(0, 320), reason: "Not a valid email address." });
    else if (seen.has(email.toLowerCase())) failures.push({ index, email, reason: "Listed twice in this request." });
    seen.add(email.toLowerCase());
  });
  return failures;
}

/** Accepts a bulk issuance and starts its job; a repeated idempotency key returns the first one. */
export async function startBulkIssuance(
  orgId: string,
  input: z.output<typeof bulkIssueSchema>,
): Promise<{ bulkIssuance: BulkIssuanceView; duplicate: boolean }> {
  const db = await getDb();
  const embedded = env.delivery.engine === "embedded";
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(bulkIssuances)
      .values({
        id: newCredentialId("BLK"),
        organizationId: orgId,
        badgeId: input.badgeId,
        expirationDate: input.expirationDate ? new Date(input.expirationDate) : null,
        recipients: input.recipients.map((r) => ({ email: r.email.trim(), ...(r.name ? { name: r.name } : {}) })),
        idempotencyKey: input.idempotencyKey ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (created && embedded) {
      await tx.insert(workflowRuns).values({
        id: `bulk:${created.id}`,
        workflow: BULK_ISSUANCE_WORKFLOW,
        input: { bulkIssuanceId: created.id },
        concurrencyKey: `bulk:${orgId}`,
      });
    }
    return created;
  });
  if (!row) {
    const [first] = await db
      .select()
      .from(bulkIssuances)
      .where(and(eq(bulkIssuances.organizationId, orgId), eq(bulkIssuances.idempotencyKey, input.idempotencyKey ?? "")));
    if (!first) throw new AppError("conflict:bulk_issuance", { message: "The bulk issuance could not be stored. Please try again." });
    return { bulkIssuance: bulkIssuanceView(first), duplicate: true };
  }
  if (embedded) {
    localEngine()?.wake();
  } else {
    const { inngest } = await import("@/inngest/client");
    await inngest.send({ id: row.id, name: BULK_ISSUANCE_REQUESTED, data: { bulkIssuanceId: row.id } });
  }
  return { bulkIssuance: bulkIssuanceView(row), duplicate: false };
}

export async function getBulkIssuance(orgId: string, id: string): Promise<BulkIssuanceView> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(bulkIssuances)
    .where(and(eq(bulkIssuances.id, id), eq(bulkIssuances.organizationId, orgId)));
  if (!row) throw new AppError("not_found:bulk_issuance", { message: "No bulk issuance with that id." });
  return bulkIssuanceView(row);
}

async function loadBulk(id: string): Promise<BulkIssuance> {
  const db = await getDb();
  const [row] = await db.select().from(bulkIssuances).where(eq(bulkIssuances.id, id));
  if (!row) throw new Error(`bulk issuance ${id} is gone`);
  return row;
}

/** Issues one chunk of recipients; a replay inserts nothing twice (unique bulk position) and re-flushes the outbox. */
async function issueChunk(bulkId: string, chunk: number): Promise<{ issued: number }> {
  const bulk = await loadBulk(bulkId);
  const failed = new Set(bulkFailures(bulk.recipients).map((f) => f.index));
  const positions = bulk.recipients
    .map((r, index) => ({ r, index }))
    .slice(chunk * CHUNK, (chunk + 1) * CHUNK)
    .filter(({ index }) => !failed.has(index));
  if (positions.length === 0) return { issued: 0 };
  const db = await getDb();
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.update(bulkIssuances).set({ status: "running" }).where(and(eq(bulkIssuances.id, bulkId), eq(bulkIssuances.status, "pending")));
    const inserted = await tx
      .insert(credentials)
      .values(
        positions.map(({ r, index }) => ({
          id: newCredentialId(),
          organizationId: bulk.organizationId,
          badgeId: bulk.badgeId,
          recipientEmail: r.email,
          recipientName: r.name ?? null,
          issuanceDate: now,
          expirationDate: bulk.expirationDate,
          bulkIssuanceId: bulkId,
          bulkIndex: index,
        })),
      )
      .onConflictDoNothing()
      .returning();
    await addToOutbox(tx, inserted.map(issuedEvent));
  });
  // Announce this chunk's credentials (after a crash, the ones a previous run stored and did not announce).
  const rows = await db
    .select({ id: credentials.id })
    .from(credentials)
    .where(and(eq(credentials.bulkIssuanceId, bulkId), inArray(credentials.bulkIndex, positions.map((p) => p.index))));
  await flushOutbox({ keys: rows.map((r) => `${SYSTEM_KEY_PREFIX}credential.issued:${r.id}`) });
  return { issued: rows.length };
}

/** Closes the bulk issuance with its counts and announces `bulk_issuance.completed`, once. */
async function completeBulk(bulkId: string): Promise<{ issued: number; failed: number }> {
  const bulk = await loadBulk(bulkId);
  const failures = bulkFailures(bulk.recipients);
  const db = await getDb();
  const keys = await db.transaction(async (tx) => {
    const [{ issued } = { issued: 0 }] = await tx
      .select({ issued: sql<number>`count(*)::int` })
      .from(credentials)
      .where(eq(credentials.bulkIssuanceId, bulkId));
    const [row] = await tx
      .update(bulkIssuances)
      .set({ status: "completed", issuedCount: issued, failedCount: failures.length, failures, completedAt: new Date() })
      .where(and(eq(bulkIssuances.id, bulkId), inArray(bulkIssuances.status, ["pending", "running"])))
      .returning();
    if (!row) return [];
    return addToOutbox(tx, [
      {
        organizationId: row.organizationId,
        type: "bulk_issuance.completed",
        data: {
          bulkIssuanceId: row.id,
          badgeId: row.badgeId,
          issuedCount: row.issuedCount,
          failedCount: row.failedCount,
          completedAt: row.completedAt!.toISOString(),
        },
        key: `bulk_issuance.completed:${row.id}`,
      },
    ]);
  });
  await flushOutbox({ keys: keys.length ? keys : [`${SYSTEM_KEY_PREFIX}bulk_issuance.completed:${bulkId}`] });
  const done = await loadBulk(bulkId);
  return { issued: done.issuedCount, failed: done.failedCount };
}

export const bulkIssuanceRunInput = z.object({ bulkIssuanceId: z.string() });

/**
 * The bulk issuance job, written once for both engines (like the delivery workflow): a step per chunk of 100
 * recipients, then a step that records the counts and announces the end.
 */
export async function runBulkIssuanceWorkflow(rawInput: unknown, steps: Steps): Promise<unknown> {
  const { bulkIssuanceId } = bulkIssuanceRunInput.parse(rawInput);
  const recipientCount = z
    .number()
    .parse(await steps.run("count", async () => (await loadBulk(bulkIssuanceId)).recipients.length));
  for (let chunk = 0; chunk * CHUNK < recipientCount; chunk++) {
    await steps.run(`issue-${chunk}`, () => issueChunk(bulkIssuanceId, chunk));
  }
  return steps.run("complete", () => completeBulk(bulkIssuanceId));
}

import { and, desc, eq, sql } from "drizzle-orm";
import { getDb, rowsOf } from "@/db";
import { endpointVerificationChecks, type EndpointVerificationCheckRow, type VerificationOutcome } from "@/db/schema";

/** Runs kept per endpoint: the newest ones; older runs are deleted when a new one is stored. */
export const KEPT_VERIFICATION_RUNS = 10;

/** Stores a run and trims the endpoint's history to the newest {@link KEPT_VERIFICATION_RUNS}, in one transaction. */
export async function insertVerificationRun(row: typeof endpointVerificationChecks.$inferInsert): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await tx.insert(endpointVerificationChecks).values(row);
    await tx.execute(sql`
      delete from endpoint_verification_checks
      where endpoint_id = ${row.endpointId} and id not in (
        select id from endpoint_verification_checks where endpoint_id = ${row.endpointId}
        order by created_at desc, id desc limit ${KEPT_VERIFICATION_RUNS}
      )
    `);
  });
}

/** An endpoint's runs, newest first; none for another organization's endpoint. */
export async function listVerificationRuns({ orgId, endpointId }: { orgId: string; endpointId: string }): Promise<EndpointVerificationCheckRow[]> {
  const db = await getDb();
  return db
    .select()
    .from(endpointVerificationChecks)
    .where(and(eq(endpointVerificationChecks.organizationId, orgId), eq(endpointVerificationChecks.endpointId, endpointId)))
    .orderBy(desc(endpointVerificationChecks.createdAt), desc(endpointVerificationChecks.id))
    .limit(KEPT_VERIFICATION_RUNS);
}

export interface LatestVerification {
  outcome: VerificationOutcome;
  url: string;
  signatureScheme: string;
  createdAt: Date;
}

/** Per endpoint of the organization: its latest run, for the endpoint list's "Verifies signatures" badge. */
export async function latestVerificationRuns({ orgId }: { orgId: string }): Promise<Map<string, LatestVerification>> {
  const db = await getDb();
  const result = await db.execute(sql`
    select distinct on (endpoint_id) endpoint_id, outcome, url, signature_scheme, created_at
    from endpoint_verification_checks
    where organization_id = ${orgId}
    order by endpoint_id, created_at desc, id desc
  `);
  const rows = rowsOf<{ endpoint_id: string; outcome: VerificationOutcome; url: string; signature_scheme: string; created_at: Date | string }>(result);
  return new Map(
    rows.map((r) => [
      r.endpoint_id,
      { outcome: r.outcome, url: r.url, signatureScheme: r.signature_scheme, createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at) },
    ]),
  );
}

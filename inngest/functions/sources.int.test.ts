import { InngestTestEngine } from "@inngest/test";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { credentials, events } from "@/db/schema";
import { issueCredential } from "@/lib/sources/credentials";
import { getBulkIssuance, startBulkIssuance } from "@/lib/sources/bulk-issuance";
import { sessionContextFor } from "@/testing/session";
import { BULK_ISSUANCE_REQUESTED } from "../events";
import { expireCredentials } from "./expire-credentials";
import { issueCredentialsBulk } from "./issue-credentials-bulk";

let orgId: string;

beforeAll(async () => {
  // Globex: no endpoints, so nothing fans out.
  orgId = (await sessionContextFor("other@example.com")).org.id;
});

afterAll(async () => {
  await closeDb();
});

describe("the event sources' Inngest functions (@inngest/test, real step bodies)", () => {
  it("issue-credentials-bulk issues every recipient in chunk steps and announces the end", async () => {
    const recipients = Array.from({ length: 230 }, (_, i) => ({ email: `inngest${i}@example.com` }));
    const { bulkIssuance } = await startBulkIssuance(orgId, { badgeId: "BDG-INNGEST", recipients });
    const t = new InngestTestEngine({ function: issueCredentialsBulk });
    const { result, ctx } = await t.execute({ events: [{ name: BULK_ISSUANCE_REQUESTED, data: { bulkIssuanceId: bulkIssuance.id } }] });
    expect(result).toEqual({ issued: 230, failed: 0 });
    for (const id of ["count", "issue-0", "issue-1", "issue-2", "complete"]) expect(ctx.step.run).toHaveBeenCalledWith(id, expect.any(Function));
    expect(await getBulkIssuance(orgId, bulkIssuance.id)).toMatchObject({ status: "completed", issuedCount: 230 });
    const db = await getDb();
    const [issued] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(events)
      .where(and(eq(events.type, "credential.issued"), sql`${events.data} ->> 'bulkIssuanceId' = ${bulkIssuance.id}`));
    expect(issued?.n).toBe(230);
  });

  it("expire-credentials announces a credential past its date once", async () => {
    const { credential } = await issueCredential(orgId, {
      badgeId: "BDG-INNGEST",
      recipientEmail: "expiring@example.com",
      issuanceDate: "2025-01-01T00:00:00Z",
      expirationDate: "2025-06-01T00:00:00Z",
    });
    const t = new InngestTestEngine({ function: expireCredentials });
    const { result } = await t.execute({ events: [{ name: "inngest/scheduled.timer", data: {} }] });
    expect((result as { expired: number }).expired).toBeGreaterThanOrEqual(1);
    const db = await getDb();
    const [row] = await db.select().from(credentials).where(eq(credentials.id, credential.credentialId));
    expect(row?.status).toBe("expired");
    const announced = await db
      .select()
      .from(events)
      .where(and(eq(events.type, "credential.expired"), sql`${events.data} ->> 'credentialId' = ${credential.credentialId}`));
    expect(announced).toHaveLength(1);
  });
});

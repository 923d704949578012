import { eq, inArray, like } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { deliveries, deliveryAttempts, events, loginAttempts, stripeEvents, webhookEndpoints, workflowRuns, workflowSteps } from "@/db/schema";
import { encryptSecret } from "@/lib/crypto";
import { env } from "@/lib/env";
import { sessionContextFor } from "@/testing/session";
import { purgeOldLogs } from "./retention";

afterAll(async () => {
  await closeDb();
});

describe("purgeOldLogs", () => {
  it("removes attempts older than LOG_RETENTION_DAYS and keeps the rest", async () => {
    const db = await getDb();
    const { org } = await sessionContextFor("partner@example.com");
    await db.insert(webhookEndpoints).values({ id: "ep_retention0000000000", organizationId: org.id, url: "https://r.example/", secretEncrypted: encryptSecret("whsec_x") });
    await db.insert(events).values({ id: "evt_retention", organizationId: org.id, type: "credential.issued", data: {} });
    await db.insert(deliveries).values({ id: "dlv_retention", organizationId: org.id, eventId: "evt_retention", endpointId: "ep_retention0000000000" });
    const day = 24 * 60 * 60 * 1000;
    const attempt = (n: number, ageDays: number) => ({
      deliveryId: "dlv_retention",
      organizationId: org.id,
      endpointId: "ep_retention0000000000",
      attemptNumber: n,
      startedAt: new Date(Date.now() - ageDays * day),
      durationMs: 5,
      requestUrl: "https://r.example/",
      requestHeaders: {},
      succeeded: false,
    });
    await db.insert(deliveryAttempts).values([attempt(1, env.logRetentionDays + 2), attempt(2, env.logRetentionDays + 1), attempt(3, 1)]);
    await db.insert(loginAttempts).values([
      { email: "old@example.com", ip: "198.51.100.200", succeeded: false, createdAt: new Date(Date.now() - 2 * day) },
      { email: "new@example.com", ip: "198.51.100.200", succeeded: false },
    ]);

    const purged = await purgeOldLogs();
    expect(purged.attempts).toBeGreaterThanOrEqual(2);
    const left = await db.select({ n: deliveryAttempts.attemptNumber }).from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, "dlv_retention"));
    expect(left.map((r) => r.n)).toEqual([3]);
    const logins = await db.select({ email: loginAttempts.email }).from(loginAttempts).where(inArray(loginAttempts.email, ["old@example.com", "new@example.com"]));
    expect(logins.map((r) => r.email)).toEqual(["new@example.com"]);
  });

  it("drops received Stripe events after 180 days and keeps newer ones", async () => {
    const db = await getDb();
    const day = 24 * 60 * 60 * 1000;
    const stripeEvent = (id: string, ageDays: number) => ({
      id,
      type: "invoice.paid",
      stripeCreatedAt: new Date(Date.now() - ageDays * day),
      outcome: "ignored" as const,
      receivedAt: new Date(Date.now() - ageDays * day),
    });
    await db.insert(stripeEvents).values([stripeEvent("evt_retention_old", 181), stripeEvent("evt_retention_new", 179)]);
    const purged = await purgeOldLogs();
    expect(purged.stripeEvents).toBeGreaterThanOrEqual(1);
    const left = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(inArray(stripeEvents.id, ["evt_retention_old", "evt_retention_new"]));
    expect(left.map((r) => r.id)).toEqual(["evt_retention_new"]);
  });

  it("drops failed and cancelled workflow runs past LOG_RETENTION_DAYS with their steps, completed ones at once, and keeps the rest", async () => {
    const db = await getDb();
    const day = 24 * 60 * 60 * 1000;
    const old = new Date(Date.now() - (env.logRetentionDays + 1) * day);
    const recent = new Date(Date.now() - day);
    const run = (id: string, status: "queued" | "sleeping" | "completed" | "failed" | "cancelled", updatedAt: Date) => ({
      id: `retention-run:${id}`,
      workflow: "retention-test",
      input: {},
      status,
      updatedAt,
      // Not due: an engine another test file runs on this database must leave these alone.
      wakeAt: new Date(Date.now() + day),
    });
    await db.insert(workflowRuns).values([
      run("failed-old", "failed", old),
      run("cancelled-old", "cancelled", old),
      run("failed-recent", "failed", recent),
      run("cancelled-recent", "cancelled", recent),
      run("completed-recent", "completed", recent),
      run("sleeping-old", "sleeping", old),
      run("queued-old", "queued", old),
    ]);
    await db.insert(workflowSteps).values([
      { runId: "retention-run:failed-old", stepId: "attempt-1", result: { outcome: "retry" } },
      { runId: "retention-run:sleeping-old", stepId: "attempt-1", result: { outcome: "retry" } },
      // A step whose run is gone without it (deleted by a process of an earlier version, which relied on a cascade).
      { runId: "retention-run:deleted-long-ago", stepId: "attempt-1", result: { outcome: "retry" } },
    ]);

    const purged = await purgeOldLogs();
    expect(purged.workflowRuns).toBeGreaterThanOrEqual(3);
    const left = await db.select({ id: workflowRuns.id }).from(workflowRuns).where(eq(workflowRuns.workflow, "retention-test"));
    expect(left.map((r) => r.id.replace("retention-run:", "")).sort()).toEqual(["cancelled-recent", "failed-recent", "queued-old", "sleeping-old"]);
    const steps = await db.select({ runId: workflowSteps.runId }).from(workflowSteps).where(like(workflowSteps.runId, "retention-run:%"));
    expect(steps.map((s) => s.runId)).toEqual(["retention-run:sleeping-old"]);
  });
});

import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, rowsOf } from "@/db";
import { getDeliveryDetail } from "@/db/queries/deliveries";
import { deliveries, deliveryAttempts, events, webhookEndpoints } from "@/db/schema";
import { encryptSecret } from "@/lib/crypto";
import { sessionContextFor } from "@/testing/session";
import { ensureAttemptPartitions, isPartitioned, listAttemptPartitions, purgeAttemptPartitions } from "./partitions";

const DAY = 24 * 60 * 60 * 1000;
const ENDPOINT = "ep_partitions000000000";
let orgId = "";

afterAll(async () => {
  await closeDb();
});

beforeAll(async () => {
  const db = await getDb();
  const { org } = await sessionContextFor("partner@example.com");
  orgId = org.id;
  await db.insert(webhookEndpoints).values({ id: ENDPOINT, organizationId: orgId, url: "https://p.example/", secretEncrypted: encryptSecret("whsec_x") });
});

async function delivery(id: string) {
  const db = await getDb();
  await db.insert(events).values({ id: `evt_${id}`, organizationId: orgId, type: "credential.issued", data: {} });
  await db.insert(deliveries).values({ id, organizationId: orgId, eventId: `evt_${id}`, endpointId: ENDPOINT });
}

function attempt(deliveryId: string, attemptNumber: number, startedAt: Date) {
  return { deliveryId, organizationId: orgId, endpointId: ENDPOINT, attemptNumber, startedAt, durationMs: 5, requestUrl: "https://p.example/", requestHeaders: {}, succeeded: false };
}

/** Each attempt of a delivery with the partition that holds it, by attempt number. */
async function placement(deliveryId: string): Promise<Record<number, string>> {
  const db = await getDb();
  const rows = rowsOf<{ n: number; part: string }>(
    await db.execute(sql`select attempt_number as n, tableoid::regclass::text as part from delivery_attempts where delivery_id = ${deliveryId}`),
  );
  return Object.fromEntries(rows.map((r) => [r.n, r.part]));
}

const dayName = (at: Date) => `delivery_attempts_p${at.toISOString().slice(0, 10).replaceAll("-", "")}`;

describe("delivery_attempts partitions", () => {
  it("is partitioned by day with the days ahead created, and every insert lands somewhere", async () => {
    const db = await getDb();
    expect(await isPartitioned(db)).toBe(true);
    const now = new Date();
    const names = (await listAttemptPartitions(db)).map((p) => p.name);
    expect(names).toContain("delivery_attempts_default");
    expect(names).toContain(dayName(now));
    expect(names).toContain(dayName(new Date(now.getTime() + 7 * DAY)));

    await delivery("dlv_part_place");
    await db.insert(deliveryAttempts).values([
      attempt("dlv_part_place", 1, now),
      attempt("dlv_part_place", 2, new Date(now.getTime() + 3 * DAY)),
      attempt("dlv_part_place", 3, new Date(now.getTime() + 400 * DAY)),
      attempt("dlv_part_place", 4, new Date(now.getTime() - 400 * DAY)),
    ]);
    expect(await placement("dlv_part_place")).toEqual({
      1: dayName(now),
      2: dayName(new Date(now.getTime() + 3 * DAY)),
      3: "delivery_attempts_default",
      4: "delivery_attempts_default",
    });
  });

  it("moves rows out of the DEFAULT partition when their day is created", async () => {
    const db = await getDb();
    const at = new Date(Date.now() - 60 * DAY);
    await delivery("dlv_part_move");
    await db.insert(deliveryAttempts).values([attempt("dlv_part_move", 1, at)]);
    expect(await placement("dlv_part_move")).toEqual({ 1: "delivery_attempts_default" });
    const created = await ensureAttemptPartitions(db, { now: at, from: at, daysAhead: 1 });
    expect(created).toContain(dayName(at));
    expect(await placement("dlv_part_move")).toEqual({ 1: dayName(at) });
  });

  it("retention drops whole days past the cutoff, deletes old rows in DEFAULT and keeps recent rows", async () => {
    const db = await getDb();
    const now = new Date();
    const start = new Date(now.getTime() - 45 * DAY);
    // Days 45 to 41 ago as partitions; one row in two of them, one old row left in DEFAULT, one recent row.
    await ensureAttemptPartitions(db, { now: new Date(start.getTime() + 4 * DAY), from: start, daysAhead: 0 });
    await delivery("dlv_part_retention");
    await db.insert(deliveryAttempts).values([
      attempt("dlv_part_retention", 1, new Date(now.getTime() - 44 * DAY)),
      attempt("dlv_part_retention", 2, new Date(now.getTime() - 42 * DAY)),
      attempt("dlv_part_retention", 3, new Date(now.getTime() - 500 * DAY)),
      attempt("dlv_part_retention", 4, new Date(now.getTime() - 60 * 60 * 1000)),
    ]);
    const before = await placement("dlv_part_retention");
    expect(before[1]).toBe(dayName(new Date(now.getTime() - 44 * DAY)));
    expect(before[3]).toBe("delivery_attempts_default");

    const cutoff = new Date(now.getTime() - 30 * DAY);
    const purged = await purgeAttemptPartitions(db, cutoff);
    expect(purged.partitions).toEqual(expect.arrayContaining([dayName(new Date(now.getTime() - 44 * DAY)), dayName(new Date(now.getTime() - 42 * DAY))]));
    expect(purged.rows).toBeGreaterThanOrEqual(3);
    expect(Object.keys(await placement("dlv_part_retention"))).toEqual(["4"]);
    const left = await listAttemptPartitions(db);
    expect(left.filter((p) => !p.isDefault && p.to !== null && p.to <= cutoff)).toEqual([]);
    // Today's partition and the days ahead are untouched.
    expect(left.map((p) => p.name)).toContain(dayName(now));
  });

  it("concurrent maintenance creates each day once and never fails", async () => {
    const db = await getDb();
    const now = new Date(Date.now() + 200 * DAY);
    const runs = await Promise.all([
      ...Array.from({ length: 4 }, () => ensureAttemptPartitions(db, { now, from: now, daysAhead: 5 })),
      purgeAttemptPartitions(db, new Date(Date.now() - 30 * DAY)),
      purgeAttemptPartitions(db, new Date(Date.now() - 30 * DAY)),
    ]);
    const created = runs.slice(0, 4).flatMap((r) => r as string[]);
    expect(created).toHaveLength(6);
    expect(new Set(created).size).toBe(6);
    const names = (await listAttemptPartitions(db)).map((p) => p.name);
    for (let i = 0; i <= 5; i += 1) expect(names).toContain(dayName(new Date(now.getTime() + i * DAY)));
  });

  it("the delivery detail reads attempts across partitions, in order, and a replayed attempt is still refused", async () => {
    const db = await getDb();
    const now = Date.now();
    await delivery("dlv_part_detail");
    await db.insert(deliveryAttempts).values([
      attempt("dlv_part_detail", 2, new Date(now)),
      attempt("dlv_part_detail", 1, new Date(now - 2 * DAY)),
      attempt("dlv_part_detail", 3, new Date(now + 2 * DAY)),
    ]);
    const detail = await getDeliveryDetail({ orgId, id: "dlv_part_detail" });
    expect(detail?.attempts.map((a) => a.attemptNumber)).toEqual([1, 2, 3]);
    // The recorder's ON CONFLICT target: an exact replay of attempt 2 is skipped.
    const replay = await db.execute(sql`
      insert into delivery_attempts (delivery_id, organization_id, endpoint_id, attempt_number, started_at, duration_ms, request_url, request_headers, succeeded)
      values ('dlv_part_detail', ${orgId}, ${ENDPOINT}, 2, ${new Date(now).toISOString()}::timestamptz, 5, 'https://p.example/', '{}', false)
      on conflict (delivery_id, attempt_number, started_at) do nothing returning id
    `);
    expect(rowsOf(replay)).toHaveLength(0);
    // Deleting the delivery still removes its attempts in every partition (the foreign key cascades).
    await db.delete(deliveries).where(eq(deliveries.id, "dlv_part_detail"));
    expect(await placement("dlv_part_detail")).toEqual({});
  });
});

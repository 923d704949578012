import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { closeDb, getDb } from "@/db";
import { countDeliveries, listDeliveries, listDeliveriesForAdmin, LOGS_PAGE_SIZE } from "@/db/queries/deliveries";
import { publishEvent } from "@/lib/delivery/publish";
import { EVENT_CATALOG } from "@/lib/events/catalog";
import { prepareDatabase } from "@/lib/startup";
import { createTestOrganization } from "@/testing/organization";
import { adminLogFiltersSchema, logFiltersSchema, toDeliveryFilters } from "./schemas";

/** Issue 13, item 7: whatever is typed into the Logs search (NUL above all) reaches PostgreSQL as a search, not a 500. */
let orgId: string;

beforeAll(async () => {
  await prepareDatabase();
  orgId = (await createTestOrganization("logs-search", "enterprise")).org.id;
  await publishEvent(orgId, "session.completed", EVENT_CATALOG.find((e) => e.type === "session.completed")!.example);
});

afterAll(async () => {
  await closeDb();
});

describe("Logs search input", () => {
  it.each(["\u0000", "evt_\u0000x", "\ud800", "\u0001".repeat(300), "x".repeat(10_000)])("the partner's and the admin's Logs run with q=%j", async (q) => {
    const partner = toDeliveryFilters(logFiltersSchema.parse({ q }));
    await expect(listDeliveries({ orgId }, partner)).resolves.toEqual(expect.any(Array));
    const admin = adminLogFiltersSchema.parse({ q });
    await expect(listDeliveriesForAdmin({ isPlatformAdmin: true }, { ...toDeliveryFilters(admin), orgId: admin.org })).resolves.toEqual(expect.any(Array));
  });
});

describe("Logs search, paging and totals (issue 16, items 11 and 12)", () => {
  let acme: string;
  let globex: string;
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

  beforeAll(async () => {
    acme = (await createTestOrganization("logs-search-acme", "enterprise")).org.id;
    globex = (await createTestOrganization("logs-search-globex", "enterprise")).org.id;
    const db = await getDb();
    for (const [org, tag] of [
      [acme, "a"],
      [globex, "g"],
    ] as const) {
      // 120 deliveries a second apart; every 3rd carries the common badge, one carries a given email.
      await db.execute(sql`
        insert into webhook_endpoints (id, organization_id, url, secret_encrypted)
        values (${`ep_srch${tag}${org.slice(-12)}`}, ${org}, 'https://search.example/hook', 'v1.x.x.x')`);
      await db.execute(sql`
        insert into events (id, organization_id, type, data, created_at)
        select 'evt_s' || ${tag} || ${org.slice(-8)} || lpad(g::text, 14, '0'), ${org}, 'credential.issued',
          jsonb_build_object('credentialId', 'CRD-' || ${tag} || g, 'credentialUuid', md5(${tag} || g::text)::uuid::text,
            'badgeId', case when g % 3 = 0 then 'BDG-COMMON' else 'BDG-' || ${tag} || g end,
            'recipientEmail', case when g = 7 then 'Jane.Doe@Example.com' else 'p' || g || '@example.com' end,
            'bulkIssuanceId', 'BLK-' || ${tag}),
          now() - (200 - g) * interval '1 second'
        from generate_series(1, 120) g`);
      await db.execute(sql`
        insert into deliveries (id, organization_id, event_id, endpoint_id, status, created_at, updated_at)
        select 'dlv_s' || ${tag} || ${org.slice(-8)} || lpad(g::text, 14, '0'), ${org},
          'evt_s' || ${tag} || ${org.slice(-8)} || lpad(g::text, 14, '0'), ${`ep_srch${tag}${org.slice(-12)}`}, 'succeeded',
          now() - (200 - g) * interval '1 second', now()
        from generate_series(1, 120) g`);
    }
  });

  it("finds by id prefix, recipient email in any case, badgeId, credentialId and bulkIssuanceId, never another tenant's", async () => {
    const pad = (g: number) => String(g).padStart(14, "0");
    const base = `evt_sa${acme.slice(-8)}`;
    expect(ids(await listDeliveries({ orgId: acme }, { search: `${base}${pad(10)}` }))).toHaveLength(1);
    // Events 10 to 19 start with this; deliveries 100 to 120 with the other.
    expect(await listDeliveries({ orgId: acme }, { search: `${base}${pad(10).slice(0, 13)}` })).toHaveLength(10);
    expect(await listDeliveries({ orgId: acme }, { search: `dlv_sa${acme.slice(-8)}${pad(100).slice(0, 12)}` })).toHaveLength(21);
    const jane = await listDeliveries({ orgId: acme }, { search: "jane.doe@example.COM" });
    expect(jane.map((r) => r.eventId)).toEqual([`${base}${pad(7)}`]);
    expect(await listDeliveries({ orgId: acme }, { search: "BDG-COMMON" })).toHaveLength(40);
    expect(await listDeliveries({ orgId: acme }, { search: "CRD-a5" })).toHaveLength(1);
    expect(await listDeliveries({ orgId: acme }, { search: "BLK-a" })).toHaveLength(51);
    const prefix = `${base}${pad(10).slice(0, 13)}`;
    // Globex searching for Acme's values and ids finds nothing.
    for (const search of [`${prefix}1`, "CRD-a5", "BLK-a", `dlv_sa${acme.slice(-8)}`]) {
      expect(await listDeliveries({ orgId: globex }, { search }), search).toHaveLength(0);
    }
    expect(await listDeliveries({ orgId: globex }, { search: "BDG-COMMON" })).toHaveLength(40);
    expect(await listDeliveries({ orgId: acme }, { search: "evt_%" })).toHaveLength(0);
  });

  it("pages Older and Newer by keyset, and totals exactly up to the cap, estimated above it", async () => {
    const first = await listDeliveries({ orgId: acme }, {});
    expect(first).toHaveLength(LOGS_PAGE_SIZE + 1);
    const last = first[LOGS_PAGE_SIZE - 1]!;
    const older = await listDeliveries({ orgId: acme }, { before: { createdAt: last.createdAt, id: last.id, micros: last.createdAtMicros } });
    expect(older[0]!.createdAt.getTime()).toBeLessThan(last.createdAt.getTime());
    // Newer from the top of the older page is the first page again, newest first.
    const newer = await listDeliveries({ orgId: acme }, { after: { createdAt: older[0]!.createdAt, id: older[0]!.id, micros: older[0]!.createdAtMicros } });
    expect(ids(newer)).toEqual(ids(first).slice(0, LOGS_PAGE_SIZE));

    expect(await countDeliveries({ orgId: acme }, {})).toEqual({ count: 120, exact: true });
    expect(await countDeliveries({ orgId: acme }, { search: "BDG-COMMON" })).toEqual({ count: 40, exact: true });
    const capped = await countDeliveries({ orgId: acme }, {}, 100);
    expect(capped.exact).toBe(false);
    expect(capped.count).toBeGreaterThan(100);
  });
});

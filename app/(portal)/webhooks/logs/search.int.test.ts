import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/db";
import { listDeliveries, listDeliveriesForAdmin } from "@/db/queries/deliveries";
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

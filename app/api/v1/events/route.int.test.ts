import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { events } from "@/db/schema";
import { createApiKey, revokeApiKey } from "@/lib/api-keys";
import { createTestOrganization } from "@/testing/organization";
import { sessionContextFor } from "@/testing/session";
import { EVENT_CATALOG } from "@/lib/events/catalog";
import { POST } from "./route";

const revoked = EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example;
let acmeKey: string;
let globexKey: string;
let acmeOrg: string;

/** `key`: the bearer key to send, or null to send none. */
function post(body: unknown, key: string | null = acmeKey, raw?: string) {
  return POST(
    new Request("http://localhost/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: raw ?? JSON.stringify(body),
    }),
  );
}

beforeAll(async () => {
  const acme = await sessionContextFor("partner@example.com");
  // Another organization with the API (Pro); Globex, on Free, has none.
  const globex = await createTestOrganization("events-api", "pro");
  acmeOrg = acme.org.id;
  acmeKey = (await createApiKey({ name: "tests" }, acme)).key;
  globexKey = (await createApiKey({ name: "tests" }, globex)).key;
});

afterAll(async () => {
  await closeDb();
});

describe("POST /api/v1/events", () => {
  it("publishes for the key's organization: 202 with the event id, then 200 with the same id for a repeated key", async () => {
    const first = await post({ type: "credential.revoked", data: revoked, idempotencyKey: "api-test-1" });
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    expect(id).toMatch(/^evt_/);
    const again = await post({ type: "credential.revoked", data: revoked, idempotencyKey: "api-test-1" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id });
    const db = await getDb();
    const [row] = await db.select().from(events).where(eq(events.id, id));
    expect(row?.organizationId).toBe(acmeOrg);
  });

  it("keeps idempotency keys per organization", async () => {
    const a = (await (await post({ type: "credential.revoked", data: revoked, idempotencyKey: "shared-key" })).json()) as { id: string };
    const b = await post({ type: "credential.revoked", data: revoked, idempotencyKey: "shared-key" }, globexKey);
    expect(b.status).toBe(202);
    expect(((await b.json()) as { id: string }).id).not.toBe(a.id);
  });

  it.each([
    ["no key", null, 401, "unauthorized"],
    ["a malformed key", "not-a-key", 401, "unauthorized"],
    ["an unknown key", `hk_live_${"x".repeat(43)}`, 401, "unauthorized"],
  ])("refuses %s with 401", async (_name, key, status, code) => {
    const response = await post({ type: "credential.revoked", data: revoked }, key);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  });

  it("refuses a revoked key", async () => {
    const acme = await sessionContextFor("partner@example.com");
    const created = await createApiKey({ name: "short-lived" }, acme);
    await revokeApiKey({ id: created.id }, acme);
    expect((await post({ type: "credential.revoked", data: revoked }, created.key)).status).toBe(401);
  });

  it("answers 400 with the issues for a bad type, bad data or bad JSON, and stores nothing", async () => {
    const db = await getDb();
    const before = (await db.select({ id: events.id }).from(events)).length;
    const unknown = await post({ type: "credential.teleported", data: {} });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/Unknown event type/);
    const bad = await post({ type: "credential.revoked", data: { ...revoked, recipientEmail: "nope", revokedAt: "yesterday" } });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe("bad_request:event_data");
    expect(body.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["data.recipientEmail", "data.revokedAt"]));
    expect((await post(undefined, acmeKey, "{not json")).status).toBe(400);
    expect((await post({ data: revoked })).status).toBe(400);
    expect((await post({ type: "credential.revoked", data: [1, 2] })).status).toBe(400);
    expect((await db.select({ id: events.id }).from(events)).length).toBe(before);
  });

  it("refuses a body over 256 KB with 413", async () => {
    const response = await post(undefined, acmeKey, JSON.stringify({ type: "credential.revoked", data: { pad: "x".repeat(300 * 1024) } }));
    expect(response.status).toBe(413);
  });
});

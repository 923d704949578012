import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: no signing secret on this server.
vi.hoisted(() => {
  delete process.env.STRIPE_WEBHOOK_SECRET;
});

const { closeDb, getDb } = await import("@/db");
const { stripeEvents } = await import("@/db/schema");
const { signedStripeRequest, stripeEvent } = await import("@/testing/stripe");
const { POST } = await import("./route");

afterAll(async () => {
  await closeDb();
});

describe("POST /api/webhooks/stripe without STRIPE_WEBHOOK_SECRET", () => {
  it("answers 503, says so in the log, and stores nothing", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const event = stripeEvent("customer.subscription.updated", { id: "sub_x", object: "subscription" });
    let response: Response;
    let logged: string;
    try {
      response = await POST(signedStripeRequest(event));
      logged = stderr.mock.calls.map((c) => String(c[0])).join("");
    } finally {
      stderr.mockRestore();
    }
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("billing_not_configured");
    expect(logged).toMatch(/STRIPE_WEBHOOK_SECRET is not set/);
    const db = await getDb();
    expect(await db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id))).toEqual([]);
  });
});

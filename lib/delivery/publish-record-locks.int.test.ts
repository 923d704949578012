import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createIsolatedDatabase } from "@/testing/isolated-database";
import type { RecordRow } from "./attempt";

// Before any app module loads: endpoints on loopback are allowed (nothing is sent in this file).
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

// A database of its own: this file runs no engine, and the runs it publishes (to a port nothing listens on) must not
// be taken by another file's.
const database = await createIsolatedDatabase("publishrecordlocks");

const { createEndpointSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { webhookEndpoints } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createEndpoint } = await import("@/lib/endpoints/operations");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { createTestOrganization } = await import("@/testing/organization");
const { recordStatement } = await import("./attempt");
const { publishEvent } = await import("./publish");
const { prepareDatabase } = await import("@/lib/startup");

beforeAll(async () => {
  await prepareDatabase();
});

afterAll(async () => {
  await closeDb();
  await database.drop();
});

const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;

/** Resolves with the promise's value, or with "still waiting" once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "still waiting"> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"still waiting">((resolve) => (timer = setTimeout(() => resolve("still waiting"), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A recording locks the endpoints whose failure counters it changes, while publishes insert deliveries whose foreign
 * keys share-lock the same endpoints. The recording takes FOR NO KEY UPDATE, which a key share does not wait for: a
 * publish never waits for a recording (and the two can no longer deadlock, which once failed a publish). Played here
 * without timing: the recording's own statement runs in a transaction held open on a connection of its own.
 * Two connections at once: PostgreSQL only (PGlite has one).
 */
describe.skipIf(!process.env.DATABASE_URL)("a publish while a recording holds its endpoint", () => {
  it("goes through at once, and waits only behind a lock that excludes key shares", async () => {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { PgDialect } = await import("drizzle-orm/pg-core");
    const org = await createTestOrganization("publish record locks");
    const endpoints: string[] = [];
    for (const name of ["a", "b"]) {
      const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `https://127.0.0.1:9/${name}` });
      if (!created.ok) throw new Error(created.error.message);
      endpoints.push(created.data.id);
    }
    const [failing] = endpoints;
    const db = await getDb();
    // A failing endpoint: the recording locks it to update its counters.
    await db.update(webhookEndpoints).set({ consecutiveFailures: 1, failingSince: new Date() }).where(eq(webhookEndpoints.id, failing!));
    const first = await publishEvent(org.org.id, "credential.issued", example, { endpointId: failing });
    const row: RecordRow = {
      delivery_id: first.deliveryIds[0]!,
      organization_id: org.org.id,
      endpoint_id: failing!,
      attempt_number: 1,
      started_at: new Date().toISOString(),
      duration_ms: 5,
      request_url: "https://127.0.0.1:9/a",
      request_headers: {},
      response_status: 500,
      response_headers: {},
      response_body: "boom",
      response_body_truncated: false,
      error_class: "http_status",
      error_message: "The endpoint answered 500.",
      succeeded: false,
      dns_ms: null,
      connect_ms: null,
      tls_ms: null,
      ttfb_ms: 4,
      final_status: "pending",
      counts_failure: false,
      gone: false,
      next_attempt_at: new Date(Date.now() + 60_000).toISOString(),
      completed_at: null,
    };

    const conn = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
    // drizzle's serializers, as on the app's connections (JSON goes as the text drizzle made).
    drizzle(conn);
    const query = new PgDialect().sqlToQuery(recordStatement([row]));
    try {
      const held = await conn.reserve();
      try {
        await held.unsafe("begin");
        const recorded = await held.unsafe(query.sql, query.params as never[]);
        // The attempt is recorded (not yet committed), and the endpoint's counters updated: its row is locked by
        // this transaction until it ends.
        expect(recorded.length).toBe(1);
        const [counters] = await held.unsafe<{ failed_attempts: number }[]>(`select failed_attempts from webhook_endpoints where id = $1`, [
          failing!,
        ]);
        expect(counters!.failed_attempts).toBe(1);

        // A publish fanning out to both endpoints, the locked one included, goes through while the recording is open.
        const during = await within(publishEvent(org.org.id, "credential.issued", example), 5_000);
        expect(during).not.toBe("still waiting");
        expect((during as { deliveryIds: string[] }).deliveryIds).toHaveLength(2);
        await held.unsafe("rollback");

        // Control: a lock that excludes key shares (FOR UPDATE, which the recording once took) holds the publish.
        await held.unsafe("begin");
        await held.unsafe("select 1 from webhook_endpoints where id = $1 for update", [failing!]);
        const blocked = publishEvent(org.org.id, "credential.issued", example);
        expect(await within(blocked, 1_000)).toBe("still waiting");
        await held.unsafe("rollback");
        expect((await blocked).deliveryIds).toHaveLength(2);
      } finally {
        await held.unsafe("rollback").catch(() => undefined);
        held.release();
      }
    } finally {
      await conn.end();
    }
  });
});

import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { events } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import { MAX_BATCH_EVENTS } from "@/lib/api/schemas";
import { EVENT_CATALOG } from "@/lib/events/catalog";
import { sessionContextFor } from "@/testing/session";
import { POST } from "./route";

const revoked = EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example;
let key: string;
let orgId: string;

interface Result {
  index: number;
  status: number;
  id?: string;
  error?: { code: string; message: string; issues?: { path: string; message: string }[] };
}

function post(body: unknown, bearer: string | null = key, raw?: string) {
  return POST(
    new Request("http://localhost/api/v1/events/batch", {
      method: "POST",
      headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: raw ?? JSON.stringify(body),
    }),
  );
}

beforeAll(async () => {
  const acme = await sessionContextFor("partner@example.com");
  orgId = acme.org.id;
  key = (await createApiKey({ name: "batch tests" }, acme)).key;
});

afterAll(async () => {
  await closeDb();
});

describe("POST /api/v1/events/batch", () => {
  it("publishes each event with its own result, in order; a refused event does not refuse the others", async () => {
    const res = await post({
      events: [
        { type: "credential.revoked", data: revoked, idempotencyKey: "batch-a" },
        { type: "no.such.type", data: revoked },
        { type: "credential.revoked", data: { nonsense: true } },
        { type: "credential.revoked", data: revoked, idempotencyKey: "batch-a" },
        { data: revoked },
        { type: "credential.revoked", data: revoked },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Result[] };
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 202],
      [1, 400],
      [2, 400],
      [3, 409],
      [4, 400],
      [5, 202],
    ]);
    expect(results[1]!.error?.code).toBe("bad_request:event_type");
    expect(results[4]!.error?.issues?.[0]?.path).toBe("events.4.type");
    const db = await getDb();
    const stored = await db.select().from(events).where(inArray(events.id, [results[0]!.id!, results[5]!.id!]));
    expect(stored).toHaveLength(2);
    expect(stored.every((e) => e.organizationId === orgId)).toBe(true);

    // The same key in a later batch: the first event's id, nothing new.
    const again = (await (await post({ events: [{ type: "credential.revoked", data: revoked, idempotencyKey: "batch-a" }] })).json()) as { results: Result[] };
    expect(again.results[0]).toMatchObject({ status: 200, id: results[0]!.id });
  });

  it(`publishes ${MAX_BATCH_EVENTS} events in one request and refuses ${MAX_BATCH_EVENTS + 1}`, async () => {
    const full = Array.from({ length: MAX_BATCH_EVENTS }, (_, i) => ({ type: "credential.revoked", data: revoked, idempotencyKey: `batch-full-${i}` }));
    const res = await post({ events: full });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Result[] };
    expect(results.filter((r) => r.status === 202)).toHaveLength(MAX_BATCH_EVENTS);
    expect(new Set(results.map((r) => r.id)).size).toBe(MAX_BATCH_EVENTS);

    const over = await post({ events: [...full, full[0]] });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: { issues: { message: string }[] } }).error.issues[0]!.message).toMatch(/at most 500/);
  });

  it("answers 4xx with a message for a bad envelope, a body over 1 MB and a missing key", async () => {
    expect((await post({ events: [] })).status).toBe(400);
    expect((await post({ events: "x" })).status).toBe(400);
    expect((await post(null, key, "{not json")).status).toBe(400);
    const big = { events: [{ type: "credential.revoked", data: { ...revoked, padding: "x".repeat(1024 * 1024) } }] };
    expect((await post(big)).status).toBe(413);
    expect((await post({ events: [{ type: "credential.revoked", data: revoked }] }, null)).status).toBe(401);
  });
});

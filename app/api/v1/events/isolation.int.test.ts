import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { events } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys";
import { publishEvent } from "@/lib/delivery/publish";
import { EVENT_CATALOG } from "@/lib/events/catalog";
import { prepareDatabase } from "@/lib/startup";
import { createTestOrganization } from "@/testing/organization";
import { POST } from "./route";

/**
 * Issue 13, item 5: concurrent publishes share one statement (lib/batcher.ts). A bad event of one organization must
 * fail alone, with a 400 and a message, while every concurrent publish of another organization succeeds.
 */

const completed = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;
let victimKey: string;
let attackerKey: string;
let victimOrg: string;

function post(raw: string, key: string) {
  return POST(
    new Request("http://localhost/api/v1/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: raw,
    }),
  );
}

/** `{"account":{"a":{"a":...}}}` nested `depth` levels inside the event's data, as text (JSON.stringify would recurse). */
function deeplyNested(depth: number): string {
  const data = JSON.stringify({ ...completed, account: "__HOLE__" });
  return JSON.stringify({ type: "session.completed", data: "__DATA__" })
    .replace('"__DATA__"', data)
    .replace('"__HOLE__"', `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
}

const BAD_BODIES: { label: string; raw: string; message: RegExp }[] = [
  { label: "6,000 levels deep", raw: deeplyNested(6000), message: /nest/i },
  // A lone high surrogate, escaped in the JSON text as any client would send it.
  { label: "a lone UTF-16 surrogate", raw: JSON.stringify({ type: "session.completed", data: { ...completed, account: { name: "x\ud800y" } } }), message: /unicode|surrogate/i },
  { label: "a lone surrogate in a key", raw: JSON.stringify({ type: "session.completed", data: { ...completed, account: { "\udc00": 1 } } }), message: /unicode|surrogate/i },
];

beforeAll(async () => {
  // Seed the demo data before adding organizations: it is seeded only into a database without any, and other test
  // files of the run expect it.
  await prepareDatabase();
  const victim = await createTestOrganization("victim", "enterprise");
  const attacker = await createTestOrganization("attacker", "enterprise");
  victimOrg = victim.org.id;
  victimKey = (await createApiKey({ name: "tests" }, victim)).key;
  attackerKey = (await createApiKey({ name: "tests" }, attacker)).key;
});

afterAll(async () => {
  await closeDb();
});

describe("one tenant's bad event never fails another tenant's publishes", () => {
  it("80 concurrent publishes of another organization all succeed while bad events are refused with 400", async () => {
    const good = Array.from({ length: 80 }, (_, i) =>
      post(JSON.stringify({ type: "session.completed", data: { ...completed, sessionId: `ses_iso_${i}` } }), victimKey),
    );
    const bad = Array.from({ length: 12 }, (_, i) => post(BAD_BODIES[i % BAD_BODIES.length]!.raw, attackerKey));
    const [goodAnswers, badAnswers] = await Promise.all([Promise.all(good), Promise.all(bad)]);

    expect(goodAnswers.map((r) => r.status)).toEqual(goodAnswers.map(() => 202));
    const ids = await Promise.all(goodAnswers.map(async (r) => ((await r.json()) as { id: string }).id));
    const db = await getDb();
    const stored = await db.select({ id: events.id }).from(events).where(inArray(events.id, ids));
    expect(stored).toHaveLength(80);

    for (const [i, answer] of badAnswers.entries()) {
      const { label, message } = BAD_BODIES[i % BAD_BODIES.length]!;
      const body = (await answer.json()) as { error: { code: string; message: string } };
      expect({ label, status: answer.status }).toEqual({ label, status: 400 });
      expect(body.error.message).toMatch(message);
    }
  });

  it("refuses such data in publishEvent itself (every publisher, not only the API)", async () => {
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100; i += 1) cursor = (cursor.a = {}) as Record<string, unknown>;
    await expect(publishEvent(victimOrg, "session.completed", { ...completed, account: deep })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/nest/i),
    });
    await expect(publishEvent(victimOrg, "session.completed", { ...completed, account: { name: "\udfff" } })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/unicode|surrogate/i),
    });
    await expect(publishEvent(victimOrg, "session.completed", { ...completed, account: { name: "a\u0000b" } })).rejects.toMatchObject({
      status: 400,
    });
  });

  it("a publish whose statement fails in the database fails alone; the batch's other publishes are stored", async () => {
    // An organization that does not exist (deleted mid-request, say) breaks the events insert's foreign key: a
    // failure no input check can see coming, so only the batcher's isolation protects the others.
    const good = Array.from({ length: 40 }, (_, i) => publishEvent(victimOrg, "session.completed", { ...completed, sessionId: `ses_fk_${i}` }));
    const missing = publishEvent("org_does_not_exist", "session.completed", completed);
    const [goodResults, missingResult] = await Promise.all([Promise.allSettled(good), missing.then(() => "stored", () => "failed")]);
    expect(goodResults.map((r) => r.status)).toEqual(goodResults.map(() => "fulfilled"));
    expect(missingResult).toBe("failed");
    const db = await getDb();
    const ids = goodResults.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(await db.select({ id: events.id }).from(events).where(inArray(events.id, ids))).toHaveLength(40);
    expect(await db.select({ id: events.id }).from(events).where(eq(events.organizationId, "org_does_not_exist"))).toHaveLength(0);
  });
});

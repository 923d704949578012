import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, endpointRefSchema, rotateSecretSchema, setSignatureSchemeSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { auditEvents, webhookEndpoints } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createTestOrganization } = await import("@/testing/organization");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery } = await import("@/testing/delivery");
const { createEndpoint, endSecretOverlap, getEndpoint, revealSecret, rotateSecret, setSignatureScheme } = await import("@/lib/endpoints/operations");
const { ed25519VerifySnippets } = await import("@/lib/endpoints/verify-snippets-ed25519");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { publishEvent } = await import("./publish");
const { writeFileSync, mkdtempSync, rmSync } = await import("node:fs");
const { tmpdir } = await import("node:os");
const path = await import("node:path");
const { pathToFileURL } = await import("node:url");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;

const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;
const HOUR = 60 * 60 * 1000;
let org: Ctx;
let receiver: Receiver;
let snippetDir: string;
/** The ed25519 Node.js snippet exactly as the endpoint page shows it. */
let v1a: { verifyHerald: (key: string, headers: Record<string, string>, body: string) => boolean };

beforeAll(async () => {
  await (await import("@/lib/startup")).prepareDatabase();
  org = await createTestOrganization("overlap");
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
  snippetDir = mkdtempSync(path.join(tmpdir(), "herald-overlap-"));
  const file = path.join(snippetDir, "verify-v1a.mjs");
  writeFileSync(file, ed25519VerifySnippets().find((s) => s.id === "node")!.code);
  v1a = await import(/* @vite-ignore */ pathToFileURL(file).href);
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
  rmSync(snippetDir, { recursive: true, force: true });
});

async function deliverOne(endpointId: string) {
  receiver.reset();
  const published = await publishEvent(org.org.id, "session.completed", example, { endpointId });
  const [request] = await receiver.waitForRequests(1);
  expect((await waitForDelivery(published.deliveryIds[0]!)).status).toBe("succeeded");
  return request!;
}

async function newEndpoint(name: string) {
  const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/${name}` });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  return created.data.id;
}

const verifies = (secret: string, request: { body: string; headers: Record<string, string> }) => {
  try {
    new Webhook(secret).verify(request.body, request.headers);
    return true;
  } catch {
    return false;
  }
};

const rotate = (id: string, overlap?: string) => runAction(org, rotateSecretSchema, rotateSecret, overlap ? { id, overlap } : { id });

/** How far from now (ms) an ISO time is. */
const fromNow = (iso: string | null) => (iso ? new Date(iso).getTime() - Date.now() : null);

describe("secret rotation: the owner chooses the old secret's overlap (real deliveries)", () => {
  it("expire now: only the new secret signs from the next delivery on", async () => {
    const id = await newEndpoint("now");
    const { secret: oldSecret } = await revealSecret({ id }, org);
    const rotated = await rotate(id, "now");
    expect(rotated).toEqual({ ok: true, data: { previousSecretExpiresAt: null } });
    const { secret: newSecret, previousSecret } = await revealSecret({ id }, org);
    expect(previousSecret).toBeNull();
    const request = await deliverOne(id);
    expect(request.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(request.headers["x-herald-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(verifies(newSecret, request)).toBe(true);
    expect(verifies(oldSecret, request)).toBe(false);
    expect((await getEndpoint({ orgId: org.org.id, id }))!.previousSecretExpiresAt).toBeNull();
  });

  it("1 hour, 24 hours (the default) and 7 days: both sign until then, and the page shows when it ends", async () => {
    for (const [overlap, ms] of [
      ["1h", HOUR],
      [undefined, 24 * HOUR],
      ["7d", 7 * 24 * HOUR],
    ] as const) {
      const id = await newEndpoint(`overlap-${overlap ?? "default"}`);
      const { secret: oldSecret } = await revealSecret({ id }, org);
      const rotated = await rotate(id, overlap);
      if (!rotated.ok) throw new Error(JSON.stringify(rotated.error));
      expect(Math.abs(fromNow(rotated.data.previousSecretExpiresAt)! - ms)).toBeLessThan(60_000);
      expect((await getEndpoint({ orgId: org.org.id, id }))!.previousSecretExpiresAt).toBe(rotated.data.previousSecretExpiresAt);
      const { secret: newSecret } = await revealSecret({ id }, org);
      const request = await deliverOne(id);
      expect(request.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
      expect(verifies(newSecret, request)).toBe(true);
      expect(verifies(oldSecret, request)).toBe(true);
    }
  });

  it("refuses an overlap that is not offered", async () => {
    const id = await newEndpoint("bad-overlap");
    const refused = await rotate(id, "30d");
    expect(refused).toMatchObject({ ok: false, error: { code: "bad_request:validation" } });
    expect(JSON.stringify(refused)).toContain("now, 1 hour, 24 hours or 7 days");
  });

  it("ends the overlap early: the old secret stops signing at once, audited; a second end is refused", async () => {
    const id = await newEndpoint("end-early");
    const { secret: oldSecret } = await revealSecret({ id }, org);
    expect((await rotate(id, "7d")).ok).toBe(true);
    const { secret: newSecret } = await revealSecret({ id }, org);
    expect(verifies(oldSecret, await deliverOne(id))).toBe(true);

    const ended = await runAction(org, endpointRefSchema, endSecretOverlap, { id });
    expect(ended).toEqual({ ok: true, data: { id } });
    const after = await deliverOne(id);
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(verifies(newSecret, after)).toBe(true);
    expect(verifies(oldSecret, after)).toBe(false);
    const db = await getDb();
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(row).toMatchObject({ previousSecretEncrypted: null, previousSecretExpiresAt: null });
    const audited = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "endpoint.secret_overlap_ended"), eq(auditEvents.targetId, id)));
    expect(audited).toHaveLength(1);

    const again = await runAction(org, endpointRefSchema, endSecretOverlap, { id });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict:no_overlap" } });
  });

  it("ed25519 (v1a): a key rotation and a switch follow the chosen overlap too", async () => {
    const id = await newEndpoint("v1a");
    // Switching with "now": the HMAC secret stops at once, only the ed25519 signature is sent.
    const switched = await runAction(org, setSignatureSchemeSchema, setSignatureScheme, { id, scheme: "v1a", overlap: "now" });
    expect(switched).toMatchObject({ ok: true, data: { signatureScheme: "v1a", previousSecretExpiresAt: null } });
    const firstKey = (await getEndpoint({ orgId: org.org.id, id }))!.publicKey!;
    const alone = await deliverOne(id);
    expect(alone.headers["webhook-signature"]!.split(" ").map((e) => e.split(",")[0])).toEqual(["v1a"]);
    expect(alone.headers["x-herald-signature"]).toBeUndefined();
    expect(v1a.verifyHerald(firstKey, alone.headers, alone.body)).toBe(true);

    // Rotating the key for 1 hour: both keys sign; ending it early leaves the new key alone.
    const rotated = await rotate(id, "1h");
    if (!rotated.ok) throw new Error(JSON.stringify(rotated.error));
    expect(Math.abs(fromNow(rotated.data.previousSecretExpiresAt)! - HOUR)).toBeLessThan(60_000);
    const view = (await getEndpoint({ orgId: org.org.id, id }))!;
    const secondKey = view.publicKey!;
    expect(view.previousPublicKey).toBe(firstKey);
    const during = await deliverOne(id);
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(v1a.verifyHerald(firstKey, during.headers, during.body)).toBe(true);
    expect(v1a.verifyHerald(secondKey, during.headers, during.body)).toBe(true);

    expect((await runAction(org, endpointRefSchema, endSecretOverlap, { id })).ok).toBe(true);
    const after = await deliverOne(id);
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(v1a.verifyHerald(secondKey, after.headers, after.body)).toBe(true);
    expect(v1a.verifyHerald(firstKey, after.headers, after.body)).toBe(false);
  });

  it("another organization cannot end an endpoint's overlap", async () => {
    const id = await newEndpoint("tenant");
    expect((await rotate(id, "24h")).ok).toBe(true);
    const other = await createTestOrganization("overlap-other");
    const refused = await runAction(other, endpointRefSchema, endSecretOverlap, { id });
    expect(refused).toMatchObject({ ok: false, error: { code: "not_found:endpoint" } });
    expect((await getEndpoint({ orgId: org.org.id, id }))!.previousSecretExpiresAt).not.toBeNull();
  });
});

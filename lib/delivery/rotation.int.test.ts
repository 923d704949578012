import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, endpointRefSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { webhookEndpoints } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createTestOrganization } = await import("@/testing/organization");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery } = await import("@/testing/delivery");
const { createEndpoint, revealSecret, rotateSecret } = await import("@/lib/endpoints/operations");
const { verifySnippets } = await import("@/lib/endpoints/verify-snippets");
const { generateSigningSecret } = await import("@/lib/endpoints/secret");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { publishEvent } = await import("./publish");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;
type Verify = (secret: string, headers: Record<string, string>, rawBody: string) => boolean;

const example = EVENT_CATALOG.find((e) => e.type === "session.completed")!.example;
let org: Ctx;
let receiver: Receiver;
let snippetDir: string;
/** The Node.js snippet exactly as the endpoint page shows it, loaded as a module. */
let snippet: { verifyHerald: Verify; verifyHeraldBodySignature: Verify };

beforeAll(async () => {
  // Seed the demo data before adding an organization: it is seeded only into a database without any, and other test
  // files of the run expect it.
  await (await import("@/lib/startup")).prepareDatabase();
  org = await createTestOrganization("rotation");
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
  snippetDir = mkdtempSync(path.join(tmpdir(), "herald-snippet-"));
  const file = path.join(snippetDir, "verify.mjs");
  writeFileSync(file, verifySnippets("Herald").find((s) => s.id === "node")!.code);
  snippet = await import(/* @vite-ignore */ pathToFileURL(file).href);
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

describe("secret rotation (real delivery, the Node.js verify snippet)", () => {
  it("signs both headers with the old and the new secret during the overlap, then with the new one only", async () => {
    const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/rotation` });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const id = created.data.id;
    const { secret: oldSecret } = await revealSecret({ id }, org);

    // Before a rotation: one value in each header, and the snippet accepts the one secret.
    const before = await deliverOne(id);
    expect(before.headers["x-herald-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(snippet.verifyHerald(oldSecret, before.headers, before.body)).toBe(true);
    expect(snippet.verifyHeraldBodySignature(oldSecret, before.headers, before.body)).toBe(true);

    const rotated = await runAction(org, endpointRefSchema, rotateSecret, { id });
    expect(rotated.ok).toBe(true);
    const { secret: newSecret } = await revealSecret({ id }, org);
    expect(newSecret).not.toBe(oldSecret);

    // During the overlap: a receiver holding either secret accepts the request through either header.
    const during = await deliverOne(id);
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(during.headers["x-herald-signature"]).toMatch(/^[0-9a-f]{64},[0-9a-f]{64}$/);
    for (const secret of [oldSecret, newSecret]) {
      expect(snippet.verifyHerald(secret, during.headers, during.body)).toBe(true);
      expect(snippet.verifyHeraldBodySignature(secret, during.headers, during.body)).toBe(true);
    }
    const stranger = generateSigningSecret();
    expect(snippet.verifyHerald(stranger, during.headers, during.body)).toBe(false);
    expect(snippet.verifyHeraldBodySignature(stranger, during.headers, during.body)).toBe(false);
    expect(snippet.verifyHeraldBodySignature(oldSecret, during.headers, `${during.body} `)).toBe(false);

    // After the overlap: only the new secret signs.
    const db = await getDb();
    await db.update(webhookEndpoints).set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, id));
    const after = await deliverOne(id);
    expect(after.headers["x-herald-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(snippet.verifyHeraldBodySignature(newSecret, after.headers, after.body)).toBe(true);
    expect(snippet.verifyHeraldBodySignature(oldSecret, after.headers, after.body)).toBe(false);
    expect(snippet.verifyHerald(oldSecret, after.headers, after.body)).toBe(false);
  });

  it("builds the snippets for the configured brand", () => {
    for (const s of verifySnippets("CertDirectory")) {
      expect(s.code).toMatch(/x-certdirectory-signature|X-CertDirectory-Signature/);
      expect(s.code).not.toMatch(/herald-signature/i);
    }
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, endpointRefSchema, setSignatureSchemeSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { webhookEndpoints } = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createTestOrganization } = await import("@/testing/organization");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery } = await import("@/testing/delivery");
const { createEndpoint, getEndpoint, revealSecret, rotateSecret, setSignatureScheme } = await import("@/lib/endpoints/operations");
const { verifySnippets } = await import("@/lib/endpoints/verify-snippets");
const { ed25519VerifySnippets } = await import("@/lib/endpoints/verify-snippets-ed25519");
const { generateSigningKey, publicKeyOf } = await import("@/lib/endpoints/secret");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { publishEvent } = await import("./publish");

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;
type Verify = (key: string, headers: Record<string, string>, rawBody: string) => boolean;

const example = EVENT_CATALOG.find((e) => e.type === "credential.revoked")!.example;
let org: Ctx;
let receiver: Receiver;
let snippetDir: string;
/** The ed25519 Node.js snippet exactly as the endpoint page shows it, loaded as a module. */
let v1a: { verifyHerald: Verify };
/** The HMAC Node.js snippet, for the secret that still signs during a switch. */
let v1: { verifyHerald: Verify; verifyHeraldBodySignature: Verify };
let pythonSnippet: string;

/** Python 3 with the `cryptography` package, where this machine has it: the Python snippet then runs too. */
const python = (() => {
  const probe = spawnSync("python3", ["-c", "import cryptography.hazmat.primitives.asymmetric.ed25519"], { encoding: "utf8" });
  return probe.status === 0;
})();

beforeAll(async () => {
  org = await createTestOrganization("ed25519");
  receiver = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
  snippetDir = mkdtempSync(path.join(tmpdir(), "herald-ed25519-"));
  const load = async (name: string, code: string) => {
    const file = path.join(snippetDir, name);
    writeFileSync(file, code);
    return import(/* @vite-ignore */ pathToFileURL(file).href);
  };
  v1a = await load("verify-v1a.mjs", ed25519VerifySnippets().find((s) => s.id === "node")!.code);
  v1 = await load("verify-v1.mjs", verifySnippets("Herald").find((s) => s.id === "node")!.code);
  pythonSnippet = path.join(snippetDir, "verify_v1a.py");
  writeFileSync(
    pythonSnippet,
    `${ed25519VerifySnippets().find((s) => s.id === "python")!.code}

if __name__ == "__main__":
    import json, sys
    given = json.load(sys.stdin)
    print(json.dumps(verify_herald(given["publicKey"], given["headers"], given["body"].encode())))
`,
  );
});

afterAll(async () => {
  await stopDeliveryEngine();
  await receiver.close();
  await closeDb();
  rmSync(snippetDir, { recursive: true, force: true });
});

async function deliverOne(endpointId: string) {
  receiver.reset();
  const published = await publishEvent(org.org.id, "credential.revoked", example, { endpointId });
  const [request] = await receiver.waitForRequests(1);
  expect((await waitForDelivery(published.deliveryIds[0]!)).status).toBe("succeeded");
  return request!;
}

const view = async (id: string) => (await getEndpoint({ orgId: org.org.id, id }))!;
const switchTo = (id: string, scheme: string) => runAction(org, setSignatureSchemeSchema, setSignatureScheme, { id, scheme });
const runPython = (publicKey: string, headers: Record<string, string>, body: string): boolean =>
  JSON.parse(spawnSync("python3", [pythonSnippet], { input: JSON.stringify({ publicKey, headers, body }), encoding: "utf8" }).stdout.trim() || "null");

describe("ed25519 (v1a) endpoints, over real deliveries, checked with the verify snippets", () => {
  it("switches from HMAC with an overlap, then signs with ed25519 alone; a receiver verifies with the public key only", async () => {
    const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/v1a` });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const id = created.data.id;
    const { secret: oldSecret } = await revealSecret({ id }, org);
    expect((await view(id)).signatureScheme).toBe("v1");

    const switched = await switchTo(id, "v1a");
    expect(switched).toMatchObject({ ok: true, data: { id, signatureScheme: "v1a" } });
    const v = await view(id);
    expect(v).toMatchObject({ signatureScheme: "v1a", previousSignatureScheme: "v1", previousPublicKey: null });
    expect(v.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const publicKey = v.publicKey!;

    // The private key is stored encrypted and is never revealed.
    const db = await getDb();
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(JSON.stringify(row)).not.toMatch(/whsk_|whsec_/);
    const reveal = await runAction(org, endpointRefSchema, revealSecret, { id });
    expect(reveal).toMatchObject({ ok: false, error: { code: "conflict:signature_scheme" } });

    // During the switch: v1a (new key) then v1 (old secret); the brand header still carries the old secret's value.
    const during = await deliverOne(id);
    const entries = during.headers["webhook-signature"]!.split(" ");
    expect(entries.map((e) => e.split(",")[0])).toEqual(["v1a", "v1"]);
    expect(v1a.verifyHerald(publicKey, during.headers, during.body)).toBe(true);
    expect(v1.verifyHerald(oldSecret, during.headers, during.body)).toBe(true);
    expect(v1.verifyHeraldBodySignature(oldSecret, during.headers, during.body)).toBe(true);
    expect(during.headers["x-herald-signature"]).toMatch(/^[0-9a-f]{64}$/);
    // The reference library checks the v1 entry and skips the v1a one.
    expect(() => new Webhook(oldSecret).verify(during.body, during.headers)).not.toThrow();
    // A stranger's key, a changed body, a changed id: refused.
    expect(v1a.verifyHerald(publicKeyOf(generateSigningKey()), during.headers, during.body)).toBe(false);
    expect(v1a.verifyHerald(publicKey, during.headers, `${during.body} `)).toBe(false);
    expect(v1a.verifyHerald(publicKey, { ...during.headers, "webhook-id": "evt_other" }, during.body)).toBe(false);
    if (python) {
      expect(runPython(publicKey, during.headers, during.body)).toBe(true);
      expect(runPython(publicKey, during.headers, `${during.body} `)).toBe(false);
    }

    // After the overlap: one v1a signature and no brand header (it needs a shared secret).
    await db.update(webhookEndpoints).set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, id));
    const after = await deliverOne(id);
    expect(after.headers["webhook-signature"]).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(after.headers["x-herald-signature"]).toBeUndefined();
    expect(v1a.verifyHerald(publicKey, after.headers, after.body)).toBe(true);
    expect(v1.verifyHerald(oldSecret, after.headers, after.body)).toBe(false);
    if (python) expect(runPython(publicKey, after.headers, after.body)).toBe(true);

    // Switching to the scheme it already uses is refused; an unknown scheme is a validation error.
    expect(await switchTo(id, "v1a")).toMatchObject({ ok: false, error: { code: "conflict:signature_scheme" } });
    expect(await switchTo(id, "v2")).toMatchObject({ ok: false, error: { code: "bad_request:validation" } });
  });

  it("rotates the key with an overlap (both public keys verify), and switches back to HMAC with one", async () => {
    const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/v1a-rotate` });
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const id = created.data.id;
    expect((await switchTo(id, "v1a")).ok).toBe(true);
    const firstKey = (await view(id)).publicKey!;

    expect((await runAction(org, endpointRefSchema, rotateSecret, { id })).ok).toBe(true);
    const rotated = await view(id);
    expect(rotated).toMatchObject({ signatureScheme: "v1a", previousSignatureScheme: "v1a", previousPublicKey: firstKey });
    expect(rotated.publicKey).not.toBe(firstKey);
    const during = await deliverOne(id);
    expect(during.headers["webhook-signature"]!.split(" ").map((e) => e.split(",")[0])).toEqual(["v1a", "v1a"]);
    expect(during.headers["x-herald-signature"]).toBeUndefined();
    for (const key of [firstKey, rotated.publicKey!]) expect(v1a.verifyHerald(key, during.headers, during.body)).toBe(true);

    // Back to HMAC: a new secret (revealable again) and, for 24 hours, the ed25519 signature beside it.
    expect((await switchTo(id, "v1")).ok).toBe(true);
    const back = await view(id);
    expect(back).toMatchObject({ signatureScheme: "v1", publicKey: null, previousSignatureScheme: "v1a", previousPublicKey: rotated.publicKey });
    const { secret, previousSecret } = await revealSecret({ id }, org);
    expect(secret).toMatch(/^whsec_/);
    expect(previousSecret).toBeNull();
    const mixed = await deliverOne(id);
    expect(mixed.headers["webhook-signature"]!.split(" ").map((e) => e.split(",")[0])).toEqual(["v1", "v1a"]);
    expect(v1.verifyHerald(secret, mixed.headers, mixed.body)).toBe(true);
    expect(v1.verifyHeraldBodySignature(secret, mixed.headers, mixed.body)).toBe(true);
    expect(mixed.headers["x-herald-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(v1a.verifyHerald(rotated.publicKey!, mixed.headers, mixed.body)).toBe(true);
  });
});

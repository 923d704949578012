import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEndpointSchema,
  endpointRefSchema,
  setEndpointActiveSchema,
  updateEndpointSchema,
} from "@/app/(portal)/webhooks/schemas";
import { closeDb, getDb } from "@/db";
import type { SessionContext } from "@/db/queries/users";
import { webhookEndpoints } from "@/db/schema";
import { runAction } from "@/lib/action";
import { sessionContextFor } from "@/testing/session";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  revealSecret,
  rotateSecret,
  setEndpointActive,
  updateEndpoint,
} from "./operations";
import { signingKeyOf } from "./secret";

let acme: SessionContext;
let globex: SessionContext;
/** Globex as if it had bought Enterprise: the plan gate lets it through, so only tenancy can stop it. */
let globexEnterprise: SessionContext;


async function endpointCount(orgId: string) {
  const db = await getDb();
  return (await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.organizationId, orgId))).length;
}

const create = (ctx: SessionContext, input: unknown) => runAction(ctx, createEndpointSchema, createEndpoint, input);
const update = (ctx: SessionContext, input: unknown) => runAction(ctx, updateEndpointSchema, updateEndpoint, input);

async function createOk(ctx: SessionContext, input: Record<string, unknown>): Promise<string> {
  const result = await create(ctx, input);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data.id;
}

beforeAll(async () => {
  acme = await sessionContextFor("partner@example.com");
  globex = await sessionContextFor("other@example.com");
  globexEnterprise = { ...globex, org: { ...globex.org, plan: "enterprise" } };
});

afterAll(async () => {
  await closeDb();
});

describe("creating endpoints", () => {
  it("stores an endpoint with the defaults: all events, 30 s, 3 retries, active, a fresh whsec_ secret", async () => {
    const id = await createOk(acme, { url: "https://hooks.acme.example/herald" });
    expect(id).toMatch(/^ep_[0-9a-z]{20}$/);
    const view = await getEndpoint({ orgId: acme.org.id, id });
    expect(view).toMatchObject({
      url: "https://hooks.acme.example/herald",
      description: "",
      eventTypes: null,
      headers: [],
      timeoutSeconds: 30,
      maxRetries: 3,
      active: true,
      disabledReason: null,
    });
    const { secret } = await revealSecret({ id }, acme);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKeyOf(secret)).toHaveLength(32);
  });

  it("encrypts the secret and header values at rest and shows values masked", async () => {
    const id = await createOk(acme, {
      url: "https://hooks.acme.example/with-key",
      headers: [{ name: "X-API-Key", value: "sk_live_super_secret" }],
      eventTypes: ["session.completed", "credential.revoked", "session.completed"],
      timeoutSeconds: "12",
      maxRetries: 0,
    });
    const db = await getDb();
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    const raw = JSON.stringify(row);
    expect(raw).not.toContain("sk_live_super_secret");
    expect(raw).not.toContain("whsec_");
    const view = await getEndpoint({ orgId: acme.org.id, id });
    expect(view?.headers).toEqual([{ id: expect.stringMatching(/^hdr_/), name: "X-API-Key", maskedValue: "sk••••••••" }]);
    expect(view?.eventTypes).toEqual(["session.completed", "credential.revoked"]);
    expect(view?.timeoutSeconds).toBe(12);
    expect(view?.maxRetries).toBe(0);
  });

  it.each([
    [{ url: "http://hooks.acme.example/" }, "url", "https://"],
    [{ url: "https://10.0.0.8/hook" }, "url", "private"],
    [{ url: "https://2130706433/" }, "url", "loopback"],
    [{ url: "https://localhost/hook" }, "url", "localhost"],
    [{ url: "" }, "url", "Enter the endpoint URL."],
    [{ url: "https://ok.example/", headers: [{ name: "Content-Type", value: "text/plain" }] }, "headers.0.name", "Content-Type"],
    [{ url: "https://ok.example/", headers: [{ name: "X-Herald-Signature", value: "x" }] }, "headers.0.name", "X-Herald-"],
    [{ url: "https://ok.example/", headers: [{ name: "X-Key", value: "a\r\nX-Evil: 1" }] }, "headers.0.value", "line breaks"],
    [
      { url: "https://ok.example/", headers: [{ name: "X-Key", value: "a" }, { name: "x-key", value: "b" }] },
      "headers.1.name",
      "more than once",
    ],
    [{ url: "https://ok.example/", headers: Array.from({ length: 11 }, (_, i) => ({ name: `X-H${i}`, value: "v" })) }, "headers", "At most 10"],
    [{ url: "https://ok.example/", timeoutSeconds: 31 }, "timeoutSeconds", "1 to 30"],
    [{ url: "https://ok.example/", timeoutSeconds: 0 }, "timeoutSeconds", "1 to 30"],
    [{ url: "https://ok.example/", maxRetries: 11 }, "maxRetries", "0 to 10"],
    [{ url: "https://ok.example/", maxRetries: 1.5 }, "maxRetries", "0 to 10"],
    [{ url: "https://ok.example/", eventTypes: [] }, "eventTypes", "at least one event"],
    [{ url: "https://ok.example/", eventTypes: ["session.bogus"] }, "eventTypes", "at least one event"],
    [{ url: "https://ok.example/", description: "x".repeat(201) }, "description", "at most 200"],
    [{ url: "https://ok.example/", active: "yes" }, "active", "on or off"],
  ])("refuses %j with a message on %s and stores nothing", async (input, field, fragment) => {
    const before = await endpointCount(acme.org.id);
    const result = await create(acme, input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("bad_request:validation");
    expect(result.error.fieldErrors?.[field]?.join(" ")).toContain(fragment);
    expect(await endpointCount(acme.org.id)).toBe(before);
  });

  it("refuses input that is not an object at all", async () => {
    for (const input of [null, "https://ok.example/", 42, [], undefined]) {
      const result = await create(acme, input);
      expect(result.ok).toBe(false);
    }
  });
});

describe("the plan gate", () => {
  it("refuses a free organization server-side with a message pointing to Billing, and stores nothing", async () => {
    const result = await create(globex, { url: "https://hooks.globex.example/" });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "forbidden:plan",
        message: "Outbound webhooks are part of the Enterprise plan. Upgrade on the Billing page to create and manage endpoints.",
      },
    });
    expect(await endpointCount(globex.org.id)).toBe(0);
  });
});

describe("editing", () => {
  it("keeps a saved header value unless it is replaced, and refuses a value-less header it does not know", async () => {
    const id = await createOk(acme, { url: "https://edit.acme.example/", headers: [{ name: "X-API-Key", value: "first-value" }] });
    const saved = (await getEndpoint({ orgId: acme.org.id, id }))!.headers[0]!;

    const kept = await update(acme, { id, url: "https://edit.acme.example/v2", description: "Second", headers: [{ id: saved.id, name: "X-API-Key" }] });
    expect(kept.ok).toBe(true);
    let view = await getEndpoint({ orgId: acme.org.id, id });
    expect(view).toMatchObject({ url: "https://edit.acme.example/v2", description: "Second", active: true });
    expect(view?.headers).toEqual([{ id: saved.id, name: "X-API-Key", maskedValue: "fi••••••••" }]);

    const replaced = await update(acme, { id, url: view!.url, headers: [{ id: saved.id, name: "X-API-Key", value: "zz-new" }] });
    expect(replaced.ok).toBe(true);
    view = await getEndpoint({ orgId: acme.org.id, id });
    expect(view?.headers[0]?.maskedValue).toBe("zz••••••••");

    const forged = await update(acme, { id, url: view!.url, headers: [{ id: "hdr_not_mine", name: "X-Other" }] });
    expect(forged.ok).toBe(false);
    if (!forged.ok) expect(forged.error.fieldErrors?.["headers.0.value"]).toEqual(["Enter a value for this header."]);
  });

  it("disables and re-enables, clearing a platform-set reason", async () => {
    const id = await createOk(acme, { url: "https://toggle.acme.example/" });
    const off = await runAction(acme, setEndpointActiveSchema, setEndpointActive, { id, active: false });
    expect(off).toEqual({ ok: true, data: { id, active: false } });
    const db = await getDb();
    await db.update(webhookEndpoints).set({ disabledReason: "Failing for 5 days", consecutiveFailures: 40 }).where(eq(webhookEndpoints.id, id));
    expect((await getEndpoint({ orgId: acme.org.id, id }))?.disabledReason).toBe("Failing for 5 days");
    await runAction(acme, setEndpointActiveSchema, setEndpointActive, { id, active: true });
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(row).toMatchObject({ active: true, disabledReason: null, consecutiveFailures: 0 });
  });

  it("rotates the secret and keeps the old one signing for 24 hours", async () => {
    const id = await createOk(acme, { url: "https://rotate.acme.example/" });
    const before = await revealSecret({ id }, acme);
    const rotated = await runAction(acme, endpointRefSchema, rotateSecret, { id });
    expect(rotated.ok).toBe(true);
    const after = await revealSecret({ id }, acme);
    expect(after.secret).not.toBe(before.secret);
    expect(after.previousSecret).toBe(before.secret);
    const hours = (Date.parse(after.previousSecretExpiresAt!) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
  });

  it("deletes softly: gone from the list and the page, the row kept for Logs", async () => {
    const id = await createOk(acme, { url: "https://delete.acme.example/" });
    expect((await runAction(acme, endpointRefSchema, deleteEndpoint, { id })).ok).toBe(true);
    expect(await getEndpoint({ orgId: acme.org.id, id })).toBeUndefined();
    expect((await listEndpoints({ orgId: acme.org.id })).some((e) => e.id === id)).toBe(false);
    const db = await getDb();
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(row?.deletedAt).toBeInstanceOf(Date);
    expect(row?.active).toBe(false);
    // Deleting twice answers not-found, like any unknown id.
    const again = await runAction(acme, endpointRefSchema, deleteEndpoint, { id });
    expect(again.ok ? undefined : again.error.code).toBe("not_found:endpoint");
  });
});

describe("tenant isolation", () => {
  it("Globex cannot read, edit, switch, delete, rotate or reveal Acme's endpoint, whatever ids it sends", async () => {
    const id = await createOk(acme, { url: "https://isolated.acme.example/", headers: [{ name: "X-API-Key", value: "acme-only" }] });
    const secretBefore = (await revealSecret({ id }, acme)).secret;
    const db = await getDb();
    const [rowBefore] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));

    expect(await getEndpoint({ orgId: globex.org.id, id })).toBeUndefined();
    expect((await listEndpoints({ orgId: globex.org.id })).map((e) => e.id)).not.toContain(id);

    const attempts = [
      await update(globexEnterprise, { id, url: "https://evil.example/" }),
      await runAction(globexEnterprise, setEndpointActiveSchema, setEndpointActive, { id, active: false }),
      await runAction(globexEnterprise, endpointRefSchema, deleteEndpoint, { id }),
      await runAction(globexEnterprise, endpointRefSchema, rotateSecret, { id }),
      await runAction(globexEnterprise, endpointRefSchema, revealSecret, { id }),
    ];
    for (const result of attempts) {
      expect(result).toEqual({ ok: false, error: { code: "not_found:endpoint", message: "That endpoint does not exist or was deleted." } });
    }
    // An id that exists nowhere gets the very same answer.
    const unknown = await runAction(globexEnterprise, endpointRefSchema, revealSecret, { id: "ep_00000000000000000000" });
    expect(unknown).toEqual(attempts[4]);

    const [rowAfter] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(rowAfter).toEqual(rowBefore);
    expect((await revealSecret({ id }, acme)).secret).toBe(secretBefore);
  });

  it("treats a malformed id as not found", async () => {
    const result = await runAction(acme, endpointRefSchema, revealSecret, { id: "../../etc/passwd" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.fieldErrors?.id).toEqual(["Endpoint not found."]);
  });
});

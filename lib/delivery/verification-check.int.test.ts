import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// Before any app module loads: endpoints on 127.0.0.1 are this test's receivers.
vi.hoisted(() => {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";
});

const { createEndpointSchema, endpointRefSchema, setSignatureSchemeSchema } = await import("@/app/(portal)/webhooks/schemas");
const { closeDb, getDb } = await import("@/db");
const { auditEvents, deliveries, deliveryAttempts, endpointVerificationChecks, webhookEndpoints } = await import("@/db/schema");
const { insertVerificationRun, latestVerificationRuns, listVerificationRuns, KEPT_VERIFICATION_RUNS } = await import("@/db/queries/verification-checks");
const { runAction } = await import("@/lib/action");
const { createApiKey } = await import("@/lib/api-keys");
const { createTestOrganization } = await import("@/testing/organization");
const { startVerifyingReceiver } = await import("@/testing/verifying-receivers");
const { startReceiver } = await import("@/testing/https-receiver");
const { callRoute } = await import("@/testing/api");
const { createEndpoint, getEndpoint, revealSecret, setEndpointActive, setSignatureScheme } = await import("@/lib/endpoints/operations");
const { setEndpointActiveSchema } = await import("@/app/(portal)/webhooks/schemas");
const { checkSignatureVerification, VERIFICATION_CHECKS_PER_MINUTE } = await import("./verification-check");
const route = await import("@/app/api/v1/endpoints/[id]/verification-checks/route");

type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;
type Receiver = Awaited<ReturnType<typeof startVerifyingReceiver>>;
type Mode = Receiver["mode"];

let org: Ctx;
let other: Ctx;
const receivers: Receiver[] = [];

beforeAll(async () => {
  org = await createTestOrganization("vcheck");
  other = await createTestOrganization("vcheck-other");
});

afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await closeDb();
});

/** An endpoint of `org` pointing at a new receiver of `mode`, which holds the endpoint's secret (or public key). */
async function endpointWith(mode: Mode, options: { scheme?: "v1" | "v1a"; headers?: { name: string; value: string }[] } = {}) {
  const receiver = await startVerifyingReceiver(mode);
  receivers.push(receiver);
  const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/hook`, maxRetries: 3, headers: options.headers ?? [] });
  if (!created.ok) throw new Error(JSON.stringify(created.error));
  const id = created.data.id;
  if (options.scheme === "v1a") {
    const switched = await runAction(org, setSignatureSchemeSchema, setSignatureScheme, { id, scheme: "v1a" });
    if (!switched.ok) throw new Error(JSON.stringify(switched.error));
    // Straight to ed25519 alone: the HMAC secret's overlap would otherwise sign too.
    const db = await getDb();
    await db.update(webhookEndpoints).set({ previousSecretExpiresAt: null, previousSecretEncrypted: null }).where(eq(webhookEndpoints.id, id));
    receiver.setKey((await getEndpoint({ orgId: org.org.id, id }))!.publicKey!);
  } else {
    receiver.setKey((await revealSecret({ id }, org)).secret);
  }
  return { id, receiver };
}

const check = (id: string, ctx: Ctx = org) => runAction(ctx, endpointRefSchema, checkSignatureVerification, { id });

async function runOk(id: string) {
  const result = await check(id);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

const verdicts = (run: { cases: { verdict: string }[] }) => run.cases.map((c) => c.verdict);

describe("signature verification self-test, against receivers written with the standardwebhooks reference library", () => {
  it("a strict receiver passes all six cases; the list shows the endpoint verifies signatures", async () => {
    const { id, receiver } = await endpointWith("strict", { headers: [{ name: "X-Receiver-Token", value: "token-123" }] });
    const run = await runOk(id);
    expect(run.outcome).toBe("passed");
    expect(verdicts(run)).toEqual(["pass", "pass", "pass", "pass", "pass", "pass"]);
    expect(run.cases.map((c) => c.status)).toEqual([200, 401, 401, 401, 200, 401]);
    expect(run.worstCase).toBeNull();
    expect(run.summary).toMatch(/verifies signatures/);

    // Six requests, all marked as tests and carrying the custom header; case 5 repeats case 1's id.
    expect(receiver.requests).toHaveLength(6);
    for (const r of receiver.requests) {
      expect(r.headers["x-herald-test"]).toBe("true");
      expect(JSON.parse(r.body)).toMatchObject({ test: true });
      expect(r.headers["x-receiver-token"]).toBe("token-123");
    }
    const ids = receiver.requests.map((r) => r.headers["webhook-id"]);
    expect(ids[4]).toBe(ids[0]);
    expect(new Set(ids).size).toBe(5);
    expect(receiver.requests[5]!.headers["webhook-signature"]).toBeUndefined();
    expect(receiver.requests[5]!.headers["x-herald-signature"]).toBeUndefined();
    // The report shows Herald's headers, never custom header values.
    expect(JSON.stringify(run)).not.toContain("token-123");
    expect(run.cases[0]!.sent.customHeaders).toEqual(["X-Receiver-Token"]);

    const latest = await latestVerificationRuns({ orgId: org.org.id });
    expect(latest.get(id)).toMatchObject({ outcome: "passed", url: `${receiver.url}/hook`, signatureScheme: "v1" });
  });

  it("a strict ed25519 (v1a) receiver, holding only the public key, passes too", async () => {
    const { id, receiver } = await endpointWith("strict", { scheme: "v1a" });
    const run = await runOk(id);
    expect(run.signatureScheme).toBe("v1a");
    expect(verdicts(run)).toEqual(["pass", "pass", "pass", "pass", "pass", "pass"]);
    expect(receiver.requests[0]!.headers["webhook-signature"]).toMatch(/^v1a,/);
    expect(receiver.requests[0]!.headers["x-herald-signature"]).toBeUndefined();
  });

  const lax: [Mode, number, string[], RegExp][] = [
    ["no-verify", 6, ["pass", "fail", "fail", "fail", "pass", "fail"], /no signature at all: anyone who knows its URL can forge/],
    ["prefix", 2, ["pass", "fail", "pass", "pass", "pass", "pass"], /compares part of the signature/],
    ["no-timestamp", 4, ["pass", "pass", "pass", "fail", "pass", "pass"], /timestamp was 10 minutes old/],
    ["brand-only", 4, ["pass", "pass", "pass", "fail", "pass", "pass"], /timestamp was 10 minutes old/],
    ["not-idempotent", 5, ["pass", "pass", "pass", "pass", "fail", "pass"], /refused a retry/],
    ["refuse-all", 1, ["fail", "not_sent", "not_sent", "not_sent", "not_sent", "not_sent"], /did not accept a correctly signed test event \(HTTP 401\)/],
  ];
  for (const [mode, worst, expected, summary] of lax) {
    it(`a receiver of kind "${mode}" is flagged on case ${worst}`, async () => {
      const { id, receiver } = await endpointWith(mode);
      const run = await runOk(id);
      expect(run.outcome).toBe("failed");
      expect(verdicts(run)).toEqual(expected);
      expect(run.worstCase).toBe(worst);
      expect(run.summary).toMatch(summary);
      expect(run.fix).toBeTruthy();
      expect(receiver.requests).toHaveLength(expected.filter((v) => v !== "not_sent").length);
      if (mode === "brand-only") expect(run.fix).toMatch(/X-Herald-Signature signs the body alone/);
      if (mode === "prefix") expect(run.fix).toMatch(/whole signature, in constant time/);
    });
  }

  it("never counts as a delivery: no deliveries, attempts, failure counts or disabling, even when every case fails", async () => {
    const { id } = await endpointWith("refuse-all");
    await runOk(id);
    const db = await getDb();
    expect(await db.select().from(deliveries).where(eq(deliveries.endpointId, id))).toHaveLength(0);
    expect(await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.endpointId, id))).toHaveLength(0);
    const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(endpoint).toMatchObject({ active: true, consecutiveFailures: 0, failingSince: null, disabledReason: null });
  });

  it(`is limited to ${VERIFICATION_CHECKS_PER_MINUTE} runs a minute per endpoint, is audited, and keeps its history`, async () => {
    const { id, receiver } = await endpointWith("strict");
    for (let i = 0; i < VERIFICATION_CHECKS_PER_MINUTE; i += 1) await runOk(id);
    const before = receiver.requests.length;
    const limited = await check(id);
    expect(limited).toMatchObject({ ok: false, error: { code: "rate_limited:verification_check" } });
    expect(receiver.requests).toHaveLength(before);
    const runs = await listVerificationRuns({ orgId: org.org.id, endpointId: id });
    expect(runs).toHaveLength(VERIFICATION_CHECKS_PER_MINUTE);
    const db = await getDb();
    const audited = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "endpoint.verification_checked")));
    expect(audited).toHaveLength(VERIFICATION_CHECKS_PER_MINUTE);
    expect(audited[0]).toMatchObject({ organizationId: org.org.id, actorType: "user", actorId: org.user.id, targetType: "endpoint" });
    expect(audited[0]!.changes).toMatchObject({ outcome: { to: "passed" } });
  });

  it(`keeps the last ${KEPT_VERIFICATION_RUNS} runs per endpoint`, async () => {
    const { id } = await endpointWith("strict");
    const run = await runOk(id);
    const db = await getDb();
    const [stored] = await db.select().from(endpointVerificationChecks).where(eq(endpointVerificationChecks.id, run.id));
    for (let i = 1; i <= KEPT_VERIFICATION_RUNS + 2; i += 1) {
      await insertVerificationRun({ ...stored!, id: `vchk_copy${String(i).padStart(3, "0")}`, createdAt: new Date(Date.now() + i * 1000) });
    }
    const runs = await listVerificationRuns({ orgId: org.org.id, endpointId: id });
    expect(runs).toHaveLength(KEPT_VERIFICATION_RUNS);
    expect(runs[0]!.id).toBe(`vchk_copy${String(KEPT_VERIFICATION_RUNS + 2).padStart(3, "0")}`);
    expect(await db.select().from(endpointVerificationChecks).where(eq(endpointVerificationChecks.endpointId, id))).toHaveLength(KEPT_VERIFICATION_RUNS);
  });

  it("refuses another organization's endpoint exactly like an unknown one, and a disabled endpoint, sending nothing", async () => {
    const { id, receiver } = await endpointWith("strict");
    expect(await check(id, other)).toMatchObject({ ok: false, error: { code: "not_found:endpoint" } });
    expect(await check("ep_zzzzzzzzzzzzzzzzzzzz")).toMatchObject({ ok: false, error: { code: "not_found:endpoint" } });
    expect((await runAction(org, setEndpointActiveSchema, setEndpointActive, { id, active: false })).ok).toBe(true);
    expect(await check(id)).toMatchObject({ ok: false, error: { code: "conflict:endpoint_disabled" } });
    expect(receiver.requests).toHaveLength(0);
  });

  it("stores an answer whose excerpt would end inside an emoji or hold NUL (PostgreSQL refuses both in jsonb)", async () => {
    const receiver = await startReceiver({ fallback: { kind: "status", status: 200, body: `${"a".repeat(299)}🚀\u0000 and more` } });
    try {
      const created = await runAction(org, createEndpointSchema, createEndpoint, { url: `${receiver.url}/emoji` });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      const run = await runOk(created.data.id);
      expect(run.cases[0]!.responseExcerpt).toBe("a".repeat(299));
      expect(run.worstCase).toBe(6);
      expect(await listVerificationRuns({ orgId: org.org.id, endpointId: created.data.id })).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("POST /api/v1/endpoints/{id}/verification-checks runs it with an API key and answers the report", async () => {
    const { id } = await endpointWith("no-timestamp");
    const key = (await createApiKey({ name: "vcheck" }, org)).key;
    const otherKey = (await createApiKey({ name: "vcheck other" }, other)).key;
    const path = `/api/v1/endpoints/${id}/verification-checks`;
    const reply = await callRoute<Record<string, unknown>>(route.POST, { path, key, body: {}, params: { id } });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ endpointId: id, outcome: "failed", worstCase: 4 });
    expect((reply.body.cases as unknown[]).length).toBe(6);
    const db = await getDb();
    const [audit] = await db.select().from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, "endpoint.verification_checked")));
    expect(audit).toMatchObject({ actorType: "api_key" });

    expect((await callRoute(route.POST, { path, key: otherKey, body: {}, params: { id } })).status).toBe(404);
    expect((await callRoute(route.POST, { path, key, body: {}, params: { id: "../../etc" } })).status).toBe(404);
    expect((await callRoute(route.POST, { path, key, raw: "{not json", params: { id } })).status).toBe(400);
    expect((await callRoute(route.POST, { path, key, raw: "[]", params: { id } })).status).toBe(400);
    expect((await callRoute(route.POST, { path, body: {}, params: { id } })).status).toBe(401);
    // A second run is allowed, a third within the minute is not.
    expect((await callRoute(route.POST, { path, key, body: {}, params: { id } })).status).toBe(201);
    const limited = await callRoute<{ error: { code: string; message: string } }>(route.POST, { path, key, body: {}, params: { id } });
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/Try again in \d+ s/);
  });
});

import { and, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createIsolatedDatabase } from "@/testing/isolated-database";
import { startSmtpCapture, type CapturedEmail } from "@/testing/smtp";

// A real SMTP server on loopback and a database of this file's own (another file's engine, without SMTP_URL, must not
// drain these notices), both before lib/env.ts reads the environment.
const smtp = await startSmtpCapture();
const database = await createIsolatedDatabase("alerts");
process.env.SMTP_URL = smtp.url;
process.env.MAIL_FROM = "Herald Alerts <alerts@tests.example>";
process.env.APP_NAME = "Herald Test";
process.env.APP_URL = "http://portal.tests.example";
process.env.EMAIL_RETRY_BASE_MS = "50";
process.env.WEBHOOK_RETRY_BASE_MS = "40";
process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = "1";

const { closeDb, getDb, rowsOf } = await import("@/db");
const schema = await import("@/db/schema");
const { runAction } = await import("@/lib/action");
const { createEndpointSchema, endpointRefSchema, setEndpointActiveSchema, switchOnAndRedeliverSchema, updateEndpointSchema } = await import(
  "@/app/(portal)/webhooks/schemas"
);
const ops = await import("@/lib/endpoints/operations");
const { publishEvent } = await import("@/lib/delivery/publish");
const { EVENT_CATALOG } = await import("@/lib/events/catalog");
const { OPERATIONAL_EVENT_CATALOG } = await import("@/lib/events/operational");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { startReceiver } = await import("@/testing/https-receiver");
const { waitForDelivery } = await import("@/testing/delivery");
const { addTestMember, createTestOrganization } = await import("@/testing/organization");
const { sessionContextFor } = await import("@/testing/session");
const { createOperationalEndpointSchema, operationalEndpointRefSchema } = await import("@/lib/operational/schemas");
const { createOperationalEndpointAsAdmin, deleteOperationalEndpointAsAdmin } = await import("@/lib/operational/admin");
const { drainNotices } = await import("./drain");
const { sweepEndpointNotices } = await import("./index");
const { readUnsubscribeToken, unsubscribeToken } = await import("./unsubscribe");
const { updateNotificationPreferences } = await import("./preferences");
const { notificationPreferencesSchema } = await import("@/app/(portal)/settings/notifications/schemas");
const { getAlertPreferences } = await import("@/db/queries/alerts");
const { writeNotices } = await import("@/lib/delivery/health");
const { publishOperationalEvent } = await import("@/lib/operational/events");
const unsubscribeRoute = await import("@/app/api/unsubscribe/route");

type Ctx = Awaited<ReturnType<typeof createTestOrganization>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const { webhookEndpoints, auditEvents, emails, endpointNotices, events, organizations, notificationOptOuts } = schema;
const example = EVENT_CATALOG.find((e) => e.type === "credential.issued")!.example;

let acme: Ctx;
let secondOwner: Ctx & { email: string };
let member: Ctx & { email: string };
let admin: Ctx;
let partner: Receiver;
let ops1: Receiver;
let opsSecret: string;
let opsEndpointId: string;
const ONCALL = "oncall@tests.example";

beforeAll(async () => {
  acme = await createTestOrganization("alerts");
  secondOwner = await addTestMember(acme.org.id, { role: "owner", label: "owner2" });
  member = await addTestMember(acme.org.id, { role: "member", label: "member" });
  admin = await sessionContextFor("admin@example.com");
  const db = await getDb();
  await db.update(organizations).set({ externalId: `cust-${acme.org.id.slice(4, 12)}` }).where(eq(organizations.id, acme.org.id));
  partner = await startReceiver();
  ops1 = await startReceiver();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
  const made = await runAction(admin, createOperationalEndpointSchema, createOperationalEndpointAsAdmin, {
    url: `${ops1.url}/ops`,
    description: "Platform ops",
    maxRetries: 2,
  });
  if (!made.ok) throw new Error(JSON.stringify(made.error));
  opsSecret = made.data.secret;
  opsEndpointId = made.data.id;
});

beforeEach(() => {
  partner.reset();
  partner.setFallback({ kind: "status", status: 200, body: "ok" });
});

afterAll(async () => {
  await stopDeliveryEngine();
  await partner.close();
  await ops1.close();
  await closeDb();
  await smtp.close();
  await database.drop();
});

async function endpointFor(path: string, input: Record<string, unknown> = {}): Promise<string> {
  const result = await runAction(acme, createEndpointSchema, ops.createEndpoint, { url: `${partner.url}${path}`, ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data.id;
}

async function endpointRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row!;
}

async function publishTo(endpointId: string) {
  const published = await publishEvent(acme.org.id, "credential.issued", example, { endpointId });
  return published.deliveryIds[0]!;
}

/** Waits until every notice was handled (its emails queued, its operational event published). */
async function drained(timeoutMs = 15_000) {
  const db = await getDb();
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(endpointNotices);
    if (Number(row!.n) === 0) return;
    if (Date.now() > until) throw new Error(`${row!.n} notices still waiting`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The alert emails queued for an address, by template, for one endpoint (its URL is in the text). */
async function queued(to: string, template: string, endpointUrl: string): Promise<number> {
  const db = await getDb();
  const rows = await db
    .select({ text: emails.text })
    .from(emails)
    .where(and(eq(emails.to, to), eq(emails.template, template)));
  return rows.filter((r) => r.text.includes(endpointUrl)).length;
}

const subjectFor = { failing: "failing", disabling_soon: "about to be disabled", disabled: "disabled", recovered: "recovered" } as const;

function alertFor(to: string, kind: keyof typeof subjectFor, endpointUrl: string): Promise<CapturedEmail> {
  return smtp.waitFor(to, { match: (m) => m.subject.includes(`endpoint ${subjectFor[kind]}:`) && m.text.includes(endpointUrl), timeoutMs: 15_000 });
}

interface OperationalEvent {
  id: string;
  type: string;
  data: Record<string, unknown> & { endpoint: { id: string }; organization: { id: string; externalId: string | null } };
}

/** Operational events received (signature verified with the standard library) for an endpoint, in arrival order. */
function operationalEvents(endpointId: string): OperationalEvent[] {
  const wh = new Webhook(opsSecret);
  return ops1.requests
    .map((r) => {
      // Throws on a bad signature: every operational request must verify.
      wh.verify(r.body, r.headers);
      return JSON.parse(r.body) as OperationalEvent;
    })
    .filter((e) => e.data.endpoint?.id === endpointId);
}

async function waitForOperational(endpointId: string, type: string, count = 1, timeoutMs = 15_000): Promise<OperationalEvent[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = operationalEvents(endpointId).filter((e) => e.type === type);
    if (found.length >= count) return found;
    if (Date.now() > until) throw new Error(`no ${type} for ${endpointId}; got ${operationalEvents(endpointId).map((e) => e.type).join(", ") || "nothing"}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function auditFor(endpointId: string) {
  const db = await getDb();
  return db.select().from(auditEvents).where(and(eq(auditEvents.targetType, "endpoint"), eq(auditEvents.targetId, endpointId))).orderBy(auditEvents.createdAt);
}

/** A header as it travelled (mailparser turns List-* headers into objects): read from the raw message, unfolded. */
const header = (m: CapturedEmail, name: string): string | undefined => {
  const head = m.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
};

describe("a receiver failing, then recovering", () => {
  it("tells the owners and the Alert emails it fails, then that it recovered; the platform gets endpoint.failing and endpoint.recovered, signed", async () => {
    const endpointId = await endpointFor("/flaky", { maxRetries: 3, alertEmails: [ONCALL], description: "Flaky receiver" });
    const url = `${partner.url}/flaky`;
    partner.enqueue({ kind: "status", status: 503 }, { kind: "status", status: 503 });
    const deliveryId = await publishTo(endpointId);

    // Failing: stored with the attempt that caused it.
    const failing = await alertFor(acme.user.email, "failing", url);
    expect(failing.subject).toBe("[Herald Test] Webhook endpoint failing: Flaky receiver");
    expect(failing.text).toContain(`Deliveries from Herald Test to ${url}`);
    expect(failing.text).toContain("HTTP 503");
    expect(failing.text).toContain("What to check");
    expect(failing.text).toContain("HTTPS with a valid certificate");
    expect(failing.text).toContain("answers 2xx within the endpoint's timeout (30 s)");
    expect(failing.text).toContain("auth header");
    expect(failing.text).toContain(`Example delivery: Open in Logs (http://portal.tests.example/webhooks/logs/${deliveryId})`);
    expect(failing.text).toContain(`http://portal.tests.example/webhooks/${endpointId}`);
    // RFC 8058: a one-click POST target and the header that says so.
    expect(header(failing, "List-Unsubscribe")).toMatch(/^<http:\/\/portal\.tests\.example\/api\/unsubscribe\?token=[^>]+>$/);
    expect(header(failing, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(failing.text).toMatch(/Unsubscribe from "Endpoint failing" alerts: http:\/\/portal\.tests\.example\/unsubscribe\?token=/);
    await alertFor(secondOwner.email, "failing", url);
    const oncall = await alertFor(ONCALL, "failing", url);
    expect(oncall.text).toContain("your address is in this endpoint's Alert emails");

    // The retry succeeds: recovered.
    expect((await waitForDelivery(deliveryId)).status).toBe("succeeded");
    const recovered = await alertFor(acme.user.email, "recovered", url);
    expect(recovered.subject).toBe("[Herald Test] Webhook endpoint recovered: Flaky receiver");
    expect(recovered.text).toContain("answers 2xx again");
    await alertFor(secondOwner.email, "recovered", url);
    await alertFor(ONCALL, "recovered", url);
    await drained();
    // A member is not an owner: no alerts.
    expect(await queued(member.email, "endpoint-failing", url)).toBe(0);
    expect(await queued(acme.user.email, "endpoint-failing", url)).toBe(1);

    const row = await endpointRow(endpointId);
    expect(row).toMatchObject({ health: "healthy", active: true, failingSince: null, failedAttempts: 0, consecutiveFailures: 0, lastFailure: null });

    // Every health change is an audit event by the system.
    const audit = (await auditFor(endpointId)).filter((a) => a.actorType === "system");
    expect(audit.map((a) => a.action)).toEqual(["endpoint.failing", "endpoint.recovered"]);
    expect(audit[0]!.changes).toMatchObject({ health: { from: "healthy", to: "failing" } });
    expect(audit[1]!.changes).toMatchObject({ health: { from: "failing", to: "healthy" } });

    // The platform: endpoint.created, endpoint.failing, endpoint.recovered, each verified with the operational secret.
    const [failingEvent] = await waitForOperational(endpointId, "endpoint.failing");
    const [recoveredEvent] = await waitForOperational(endpointId, "endpoint.recovered");
    await waitForOperational(endpointId, "endpoint.created");
    expect(failingEvent!.data).toMatchObject({
      organization: { id: acme.org.id, externalId: `cust-${acme.org.id.slice(4, 12)}` },
      endpoint: { id: endpointId, url },
      actor: { type: "system" },
      reason: "Deliveries to the endpoint fail: HTTP 503.",
      lastFailure: { status: 503, errorClass: "http_status", deliveryId },
    });
    expect(recoveredEvent!.data.reason).toMatch(/^The endpoint answered 2xx again after failing since /);
    for (const e of [failingEvent!, recoveredEvent!]) {
      const definition = OPERATIONAL_EVENT_CATALOG.find((d) => d.type === e.type)!;
      expect(definition.schema.safeParse(e.data).success).toBe(true);
    }
  });
});

describe("disabling", () => {
  it("410 Gone: the disabled alert with a link that switches on and redelivers; endpoint.disabled and delivery.exhausted", async () => {
    const endpointId = await endpointFor("/gone", { maxRetries: 5 });
    const url = `${partner.url}/gone`;
    partner.enqueue({ kind: "status", status: 410 });
    const deliveryId = await publishTo(endpointId);
    expect((await waitForDelivery(deliveryId)).status).toBe("failed");

    const disabled = await alertFor(acme.user.email, "disabled", url);
    expect(disabled.text).toContain("The endpoint answered 410 Gone, so Herald stopped sending to it.");
    const link = disabled.links.find((l) => l.includes("?recover="))!;
    expect(link).toMatch(new RegExp(`^http://portal\\.tests\\.example/webhooks/${endpointId}\\?recover=[^#]+#recover$`));
    expect(disabled.text).toMatch(/Switch on and redeliver what failed since \d/);
    await drained();
    // 410 on a healthy endpoint disables it at once: no "failing" alert first.
    expect(await queued(acme.user.email, "endpoint-failing", url)).toBe(0);

    const row = await endpointRow(endpointId);
    expect(row).toMatchObject({ active: false, health: "disabled", disabledCause: "gone" });
    const audit = (await auditFor(endpointId)).filter((a) => a.actorType === "system");
    expect(audit.map((a) => a.action)).toEqual(["endpoint.disabled"]);
    expect(audit[0]!.changes).toMatchObject({ health: { from: "healthy", to: "disabled" }, reason: { to: expect.stringContaining("410") } });

    const [event] = await waitForOperational(endpointId, "endpoint.disabled");
    expect(event!.data).toMatchObject({ cause: "gone", actor: { type: "system" }, endpoint: { active: false, health: "disabled", disabledCause: "gone" } });
    const [exhausted] = await waitForOperational(endpointId, "delivery.exhausted");
    expect(exhausted!.data).toMatchObject({
      delivery: { id: deliveryId, eventType: "credential.issued", attempts: 1, lastStatus: 410, portalUrl: `http://portal.tests.example/webhooks/logs/${deliveryId}` },
      reason: "The endpoint answered 410 Gone: the delivery stopped at once.",
    });

    // The link's time, as the page pre-fills it: one click switches on and redelivers what failed since then.
    const since = new Date(decodeURIComponent(new URL(link).searchParams.get("recover")!));
    const result = await runAction(acme, switchOnAndRedeliverSchema, ops.switchOnAndRedeliver, {
      id: endpointId,
      since: new Date(Math.floor(since.getTime() / 60_000) * 60_000).toISOString().slice(0, 16),
    });
    expect(result).toMatchObject({ ok: true, data: { ids: [deliveryId] } });
    expect((await waitForDelivery(deliveryId)).status).toBe("succeeded");
    expect(await endpointRow(endpointId)).toMatchObject({ active: true, health: "healthy", disabledCause: null, consecutiveFailures: 0 });
    await waitForOperational(endpointId, "endpoint.enabled");
  });

  it("50 failed deliveries in a row: about to be disabled at 40, disabled at 50, each alert once; endpoint.disabled", async () => {
    const endpointId = await endpointFor("/fifty", { maxRetries: 0 });
    const url = `${partner.url}/fifty`;
    partner.setFallback({ kind: "status", status: 500, body: "down" });
    const ids: string[] = [];
    for (let i = 0; i < 39; i += 1) ids.push(await publishTo(endpointId));
    for (const id of ids) await waitForDelivery(id);
    await drained();
    expect(await queued(acme.user.email, "endpoint-disabling-soon", url)).toBe(0);
    expect(await endpointRow(endpointId)).toMatchObject({ health: "failing", consecutiveFailures: 39, active: true });

    await waitForDelivery(await publishTo(endpointId));
    const soon = await alertFor(acme.user.email, "disabling_soon", url);
    expect(soon.text).toContain("Failed deliveries in a row: 40 of 50");
    expect(soon.text).toContain("after 10 more failed deliveries");

    for (let i = 0; i < 10; i += 1) ids.push(await publishTo(endpointId));
    for (const id of ids) await waitForDelivery(id);
    const disabled = await alertFor(acme.user.email, "disabled", url);
    expect(disabled.text).toContain("Disabled after 50 failed deliveries in a row.");
    await drained();
    for (const to of [acme.user.email, secondOwner.email]) {
      expect(await queued(to, "endpoint-failing", url)).toBe(1);
      expect(await queued(to, "endpoint-disabling-soon", url)).toBe(1);
      expect(await queued(to, "endpoint-disabled", url)).toBe(1);
    }
    expect(await endpointRow(endpointId)).toMatchObject({ active: false, health: "disabled", disabledCause: "consecutive_failures", consecutiveFailures: 50 });
    const [event] = await waitForOperational(endpointId, "endpoint.disabled");
    expect(event!.data).toMatchObject({ cause: "consecutive_failures", failedDeliveries: 50, reason: "Disabled after 50 failed deliveries in a row." });
    // Each delivery that failed for good is an operational event too.
    await waitForOperational(endpointId, "delivery.exhausted", 50);
  });

  it("12 hours before the 3-day limit: the sweep warns once, even without an attempt at that moment", async () => {
    const endpointId = await endpointFor("/slow-death", { maxRetries: 0 });
    const url = `${partner.url}/slow-death`;
    partner.enqueue({ kind: "status", status: 502 });
    await waitForDelivery(await publishTo(endpointId));
    await alertFor(acme.user.email, "failing", url);
    const db = await getDb();
    const since = new Date(Date.now() - 61 * 3_600_000);
    await db.update(webhookEndpoints).set({ failingSince: since }).where(eq(webhookEndpoints.id, endpointId));
    await sweepEndpointNotices();
    const soon = await alertFor(acme.user.email, "disabling_soon", url);
    expect(soon.text).toMatch(/at \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC \(3 days of failures\)/);
    await sweepEndpointNotices();
    await drained();
    expect(await queued(acme.user.email, "endpoint-disabling-soon", url)).toBe(1);
  });
});

describe("switching on", () => {
  it("after 3 days failing, a switched-on endpoint starts afresh: its next failure makes it failing, not disabled again", async () => {
    const endpointId = await endpointFor("/three-days", { maxRetries: 0 });
    const db = await getDb();
    await db
      .update(webhookEndpoints)
      .set({ consecutiveFailures: 3, failedAttempts: 9, health: "failing", failingSince: new Date(Date.now() - 3 * 24 * 3_600_000 - 60_000) })
      .where(eq(webhookEndpoints.id, endpointId));
    partner.enqueue({ kind: "status", status: 500 });
    await waitForDelivery(await publishTo(endpointId));
    expect(await endpointRow(endpointId)).toMatchObject({ active: false, health: "disabled", disabledCause: "failing_too_long" });

    const on = await runAction(acme, setEndpointActiveSchema, ops.setEndpointActive, { id: endpointId, active: true });
    expect(on.ok).toBe(true);
    expect(await endpointRow(endpointId)).toMatchObject({ active: true, health: "healthy", failingSince: null, failedAttempts: 0, consecutiveFailures: 0, disabledCause: null });
    partner.enqueue({ kind: "status", status: 500 });
    await waitForDelivery(await publishTo(endpointId));
    expect(await endpointRow(endpointId)).toMatchObject({ active: true, health: "failing", failedAttempts: 1 });

    // Switching on an endpoint that is on changes nothing (its failure counts stay).
    await runAction(acme, setEndpointActiveSchema, ops.setEndpointActive, { id: endpointId, active: true });
    expect(await endpointRow(endpointId)).toMatchObject({ health: "failing", failedAttempts: 1 });
  });
});

describe("the 6-hour rate of failing alerts", () => {
  it("a flapping endpoint gets one failing alert in 6 hours (and no recovered alert for a spell it was not told about); the platform hears every change", async () => {
    const endpointId = await endpointFor("/flapping", { maxRetries: 0 });
    const url = `${partner.url}/flapping`;
    const spell = async () => {
      partner.enqueue({ kind: "status", status: 500 });
      await waitForDelivery(await publishTo(endpointId));
      await waitForDelivery(await publishTo(endpointId));
      await drained();
    };
    await spell();
    await spell();
    await spell();
    expect(await queued(acme.user.email, "endpoint-failing", url)).toBe(1);
    expect(await queued(acme.user.email, "endpoint-recovered", url)).toBe(1);
    await waitForOperational(endpointId, "endpoint.failing", 3);
    await waitForOperational(endpointId, "endpoint.recovered", 3);

    // 7 hours later (as far as the endpoint knows), the next spell is told again.
    const db = await getDb();
    await db
      .update(webhookEndpoints)
      .set({ failingAlertedAt: new Date(Date.now() - 7 * 3_600_000) })
      .where(eq(webhookEndpoints.id, endpointId));
    await spell();
    expect(await queued(acme.user.email, "endpoint-failing", url)).toBe(2);
    expect(await queued(acme.user.email, "endpoint-recovered", url)).toBe(2);
  });
});

describe("unsubscribe and preferences", () => {
  it("one-click unsubscribe (RFC 8058 POST) stops that kind for that person only; a forged or altered token changes nothing", async () => {
    const endpointId = await endpointFor("/unsubscribe", { maxRetries: 0, alertEmails: [ONCALL] });
    const url = `${partner.url}/unsubscribe`;
    partner.enqueue({ kind: "status", status: 500 });
    await waitForDelivery(await publishTo(endpointId));
    const first = await alertFor(secondOwner.email, "failing", url);
    const oneClick = header(first, "List-Unsubscribe")!.slice(1, -1);

    // Tampered: another person's id in the payload, the same signature.
    const token = new URL(oneClick).searchParams.get("token")!;
    const [, signature] = token.split(".");
    const forged = `${Buffer.from(JSON.stringify({ v: 1, k: "failing", u: acme.user.id })).toString("base64url")}.${signature}`;
    for (const bad of [forged, "nonsense", `${token}x`, ""]) {
      const r = await unsubscribeRoute.POST(
        new Request(`http://portal.tests.example/api/unsubscribe?token=${encodeURIComponent(bad)}`, { method: "POST", body: "List-Unsubscribe=One-Click" }),
      );
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe("This unsubscribe link is not valid.");
    }
    const db = await getDb();
    expect(await db.select().from(notificationOptOuts).where(eq(notificationOptOuts.userId, acme.user.id))).toHaveLength(0);

    const response = await unsubscribeRoute.POST(new Request(oneClick, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, kind: "failing" });
    // Again: still fine (idempotent).
    expect((await unsubscribeRoute.POST(new Request(oneClick, { method: "POST", body: "List-Unsubscribe=One-Click" }))).status).toBe(200);
    expect(await getAlertPreferences({ userId: secondOwner.user.id })).toEqual({ failing: false, disabling_soon: true, disabled: true, recovered: true });

    // The page's form: a 303 back to the page, which says it is done.
    const viaPage = await unsubscribeRoute.POST(new Request(oneClick, { method: "POST", body: "from=page" }));
    expect(viaPage.status).toBe(303);
    expect(viaPage.headers.get("location")).toMatch(/^http:\/\/portal\.tests\.example\/unsubscribe\?token=.+&state=done$/);
    // A GET of the header's URL lands on the page, which asks before doing anything.
    const get = await unsubscribeRoute.GET(new Request(oneClick));
    expect(get.status).toBe(303);
    expect(get.headers.get("location")).toMatch(/^http:\/\/portal\.tests\.example\/unsubscribe\?token=/);

    // The Alert emails address unsubscribes for this organization only.
    const oncallMail = await alertFor(ONCALL, "failing", url);
    const oncallLink = header(oncallMail, "List-Unsubscribe")!.slice(1, -1);
    expect(readUnsubscribeToken(new URL(oncallLink).searchParams.get("token"))).toEqual({ kind: "failing", target: { organizationId: acme.org.id, email: ONCALL } });
    expect((await unsubscribeRoute.POST(new Request(oncallLink, { method: "POST", body: "List-Unsubscribe=One-Click" }))).status).toBe(200);

    // It recovers (everyone still gets "recovered"); the next spell, past the 6 hours: the first owner gets "failing",
    // the unsubscribed owner and address do not.
    await waitForDelivery(await publishTo(endpointId));
    await drained();
    await db.update(webhookEndpoints).set({ failingAlertedAt: new Date(Date.now() - 7 * 3_600_000) }).where(eq(webhookEndpoints.id, endpointId));
    partner.enqueue({ kind: "status", status: 500 });
    await waitForDelivery(await publishTo(endpointId));
    await drained();
    expect(await queued(acme.user.email, "endpoint-failing", url)).toBe(2);
    expect(await queued(secondOwner.email, "endpoint-failing", url)).toBe(1);
    expect(await queued(ONCALL, "endpoint-failing", url)).toBe(1);
    expect(await queued(secondOwner.email, "endpoint-recovered", url)).toBe(1);
    expect(await queued(ONCALL, "endpoint-recovered", url)).toBe(1);
  });

  it("Settings -> Notifications: a person turns kinds off and on (validated, audited), and alerts follow", async () => {
    const bad = await runAction(acme, notificationPreferencesSchema, updateNotificationPreferences, { failing: "no", disabled: true });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad_request:validation" } });
    const extra = await runAction(acme, notificationPreferencesSchema, updateNotificationPreferences, {
      failing: true,
      disabling_soon: true,
      disabled: true,
      recovered: true,
      userId: secondOwner.user.id,
    });
    expect(extra.ok).toBe(false);

    const off = await runAction(acme, notificationPreferencesSchema, updateNotificationPreferences, { failing: true, disabling_soon: true, disabled: false, recovered: false });
    expect(off).toEqual({ ok: true, data: { failing: true, disabling_soon: true, disabled: false, recovered: false } });
    const db = await getDb();
    const [audit] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "notifications.updated"), eq(auditEvents.actorId, acme.user.id)));
    expect(audit!.changes).toEqual({ disabled: { from: true, to: false }, recovered: { from: true, to: false } });

    const endpointId = await endpointFor("/prefs", { maxRetries: 0 });
    const url = `${partner.url}/prefs`;
    partner.enqueue({ kind: "status", status: 410 });
    await waitForDelivery(await publishTo(endpointId));
    await drained();
    expect(await queued(acme.user.email, "endpoint-disabled", url)).toBe(0);
    expect(await queued(secondOwner.email, "endpoint-disabled", url)).toBe(1);

    const on = await runAction(acme, notificationPreferencesSchema, updateNotificationPreferences, { failing: true, disabling_soon: true, disabled: true, recovered: true });
    expect(on.ok).toBe(true);
    expect(await getAlertPreferences({ userId: acme.user.id })).toEqual({ failing: true, disabling_soon: true, disabled: true, recovered: true });
  });
});

describe("operational webhooks", () => {
  it("partner changes reach the platform: created, updated, disabled, enabled, secret_rotated, deleted; person actions carry the person", async () => {
    const endpointId = await endpointFor("/lifecycle");
    const url = `${partner.url}/lifecycle`;
    await runAction(acme, updateEndpointSchema, ops.updateEndpoint, { id: endpointId, url, description: "renamed", timeoutSeconds: 10 });
    await runAction(acme, setEndpointActiveSchema, ops.setEndpointActive, { id: endpointId, active: false });
    await runAction(acme, setEndpointActiveSchema, ops.setEndpointActive, { id: endpointId, active: true });
    await runAction(acme, endpointRefSchema, ops.rotateSecret, { id: endpointId });
    await runAction(acme, endpointRefSchema, ops.deleteEndpoint, { id: endpointId });
    await waitForOperational(endpointId, "endpoint.deleted");
    const received = operationalEvents(endpointId);
    // One event per change (deliveries run concurrently, so they may arrive in any order).
    expect(received.map((e) => e.type).sort()).toEqual(
      ["endpoint.created", "endpoint.updated", "endpoint.disabled", "endpoint.enabled", "endpoint.secret_rotated", "endpoint.deleted"].sort(),
    );
    const byType = Object.fromEntries(received.map((e) => [e.type, e.data]));
    expect(byType["endpoint.updated"]).toMatchObject({ changedFields: ["description", "timeoutSeconds"], actor: { type: "user", id: acme.user.id, email: acme.user.email } });
    expect(byType["endpoint.disabled"]).toMatchObject({ cause: "person", reason: `Endpoint switched off by ${acme.user.email}.` });
    expect(byType["endpoint.secret_rotated"]).toMatchObject({ signatureScheme: "v1", previousSecretExpiresAt: expect.any(String) });
    for (const e of received) {
      const definition = OPERATIONAL_EVENT_CATALOG.find((d) => d.type === e.type)!;
      expect(definition.schema.safeParse(e.data).success, e.type).toBe(true);
    }
    // The person's switch is in the audit log with the health change.
    const audit = await auditFor(endpointId);
    expect(audit.find((a) => a.action === "endpoint.disabled")).toMatchObject({ actorType: "user", changes: { health: { from: "healthy", to: "disabled" } } });
    expect(await endpointRow(endpointId)).toMatchObject({ health: "healthy", deletedAt: expect.any(Date) });
  });

  it("only platform admins manage them; a partner gets not-found; the platform organization is no partner", async () => {
    const partnerTry = await runAction(acme, createOperationalEndpointSchema, createOperationalEndpointAsAdmin, { url: `${ops1.url}/x` });
    expect(partnerTry).toMatchObject({ ok: false, error: { code: "not_found:operational_webhook" } });
    const deleteTry = await runAction(acme, operationalEndpointRefSchema, deleteOperationalEndpointAsAdmin, { id: opsEndpointId });
    expect(deleteTry).toMatchObject({ ok: false, error: { code: "not_found:operational_webhook" } });
    const badSecret = await runAction(admin, createOperationalEndpointSchema, createOperationalEndpointAsAdmin, { url: `${ops1.url}/x`, secret: "whsec_short" });
    expect(badSecret).toMatchObject({ ok: false, error: { fieldErrors: { secret: [expect.stringContaining("whsec_")] } } });
    const badEvents = await runAction(admin, createOperationalEndpointSchema, createOperationalEndpointAsAdmin, { url: `${ops1.url}/x`, eventTypes: ["credential.issued"] });
    expect(badEvents.ok).toBe(false);
    const { listOrganizationsForAdmin } = await import("@/db/queries/organizations");
    const listed = await listOrganizationsForAdmin({ isPlatformAdmin: true });
    expect(listed.some((o) => o.slug.startsWith("~"))).toBe(false);
    // Partners cannot publish operational types.
    await expect(publishEvent(acme.org.id, "endpoint.disabled", {})).rejects.toMatchObject({ code: "bad_request:event_type" });
  });
});

describe("crash safety of the notice drain", () => {
  it("two drains at once queue each alert once; a crashed drain's claim is taken over; a republished operational event is stored once", async () => {
    const endpointId = await endpointFor("/crash", { maxRetries: 0 });
    const url = `${partner.url}/crash`;
    const db = await getDb();
    await db.transaction(async (tx) => {
      await writeNotices(tx, [
        { organizationId: acme.org.id, endpointId, alert: "failing", eventType: "endpoint.failing", data: { failedAttempts: 1, failedDeliveries: 0, at: new Date().toISOString() } },
      ]);
    });
    await Promise.all([drainNotices(), drainNotices(), drainNotices()]);
    await drained();
    expect(await queued(acme.user.email, "endpoint-failing", url)).toBe(1);

    // A drain claimed this one and died before finishing: after its claim runs out, another takes it over.
    const [claimed] = await db
      .insert(endpointNotices)
      .values({ organizationId: acme.org.id, endpointId, alert: "recovered", eventType: "endpoint.recovered", data: { failingSince: new Date().toISOString() }, claimToken: "dead", claimedUntil: new Date(Date.now() + 60_000) })
      .returning({ id: endpointNotices.id });
    await drainNotices();
    expect(await queued(acme.user.email, "endpoint-recovered", url)).toBe(0);
    await db.update(endpointNotices).set({ claimedUntil: new Date(Date.now() - 1000) }).where(eq(endpointNotices.id, claimed!.id));
    await drainNotices();
    await drained();
    expect(await queued(acme.user.email, "endpoint-recovered", url)).toBe(1);

    // The drain crashed after publishing the operational event and before deleting the notice: published again, stored once.
    const payload = (await waitForOperational(endpointId, "endpoint.recovered"))[0]!.data;
    const a = await publishOperationalEvent("endpoint.recovered", payload, "notice-test-repeat");
    const b = await publishOperationalEvent("endpoint.recovered", payload, "notice-test-repeat");
    expect(a!.id).toBe(b!.id);
    const stored = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from ${events} where ${events.idempotencyKey} = 'notice-test-repeat'`));
    expect(Number(stored[0]!.n)).toBe(1);
  });

  it("the unsubscribe token is bound to its kind and target", () => {
    const token = unsubscribeToken({ userId: "usr_x" }, "disabled");
    expect(readUnsubscribeToken(token)).toEqual({ kind: "disabled", target: { userId: "usr_x" } });
    const [body, sig] = token.split(".");
    const otherKind = Buffer.from(JSON.stringify({ v: 1, k: "failing", u: "usr_x" })).toString("base64url");
    expect(readUnsubscribeToken(`${otherKind}.${sig}`)).toBeUndefined();
    expect(readUnsubscribeToken(`${body}.${sig!.slice(0, -1)}${sig!.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
  });
});

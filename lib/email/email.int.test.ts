import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createIsolatedDatabase } from "@/testing/isolated-database";
import { startSmtpCapture } from "@/testing/smtp";

// A real SMTP server on loopback, requiring the credentials SMTP_URL carries; started before lib/env.ts reads SMTP_URL.
const smtp = await startSmtpCapture({ auth: { user: "herald", pass: "smtp-secret-pass" } });
const database = await createIsolatedDatabase("email");
process.env.SMTP_URL = smtp.url;
process.env.MAIL_FROM = "Herald Tests <no-reply@tests.example>";
process.env.APP_NAME = "Herald Test";
process.env.APP_URL = "http://portal.tests.example";
process.env.EMAIL_RETRY_BASE_MS = "50";

const { closeDb, getDb } = await import("@/db");
const { emails, workflowRuns } = await import("@/db/schema");
const { queueEmail, resendEmail } = await import("@/lib/email");
const { startDeliveryEngine, stopDeliveryEngine } = await import("@/lib/startup/engine");
const { prepareDatabase } = await import("@/lib/startup");
const { runAction } = await import("@/lib/action");
const { resendEmailSchema } = await import("@/app/(portal)/admin/emails/schemas");
const { resendEmailAsAdmin } = await import("@/lib/email/admin");
const { auditEvents } = await import("@/db/schema");
const { sessionContextFor } = await import("@/testing/session");

beforeAll(async () => {
  await prepareDatabase();
  await startDeliveryEngine({ pollMs: 20, leaseMs: 10_000 });
});

afterAll(async () => {
  await stopDeliveryEngine();
  await closeDb();
  await smtp.close();
  await database.drop();
});

const unique = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}@tests.example`;

async function emailRow(id: string) {
  const db = await getDb();
  const [row] = await db.select().from(emails).where(eq(emails.id, id));
  return row!;
}

async function waitForStatus(id: string, status: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await emailRow(id);
    if (row.status === status) return row;
    if (Date.now() > until) throw new Error(`email ${id} is ${row.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const invitation = (to: string) => ({
  to,
  template: "invitation" as const,
  data: {
    organizationName: "Acme <Verify> & Co",
    inviterName: "Pat Owner",
    role: "member" as const,
    link: "http://portal.tests.example/invitations/accept?token=tok_abc123",
    expiresAt: new Date(Date.now() + 7 * 24 * 60 * 60 * 1000),
  },
});

describe("email through SMTP", () => {
  it("sends the rendered email (HTML and text parts, MAIL_FROM, APP_NAME, the link) to a real SMTP server", async () => {
    const to = unique("invitee");
    const { id, status } = await queueEmail({ ...invitation(to), organizationId: "org_test" });
    expect(status).toBe("queued");
    const message = await smtp.waitFor(to);
    expect(message.authUser).toBe("herald");
    expect(message.from).toBe('"Herald Tests" <no-reply@tests.example>');
    expect(message.envelopeFrom).toBe("no-reply@tests.example");
    expect(message.subject).toBe("Join Acme <Verify> & Co on Herald Test");
    expect(message.text).toContain("Pat Owner invited you to join Acme <Verify> & Co on Herald Test as a member.");
    expect(message.text).toContain("expires in 7 days");
    expect(message.links[0]).toBe("http://portal.tests.example/invitations/accept?token=tok_abc123");
    // The HTML part escapes the organization's name and links the call to action.
    expect(message.html).toContain("Acme &lt;Verify&gt; &amp; Co");
    expect(message.html).toContain('href="http://portal.tests.example/invitations/accept?token=tok_abc123"');
    expect(message.html).toContain("http://portal.tests.example");
    expect(message.headers.get("x-herald-email-id")).toBe(id);

    const row = await waitForStatus(id, "sent");
    expect(row).toMatchObject({ to, template: "invitation", attempts: 1, lastError: null, organizationId: "org_test" });
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(row.link).toBe("http://portal.tests.example/invitations/accept?token=tok_abc123");
  });

  it("retries with backoff when the SMTP server refuses (451), then records the success", async () => {
    const to = unique("retry");
    smtp.refuse(2, 451);
    const refusedBefore = smtp.refusedCount();
    const { id } = await queueEmail({
      to,
      template: "password-reset",
      data: { name: "Robin", link: "http://portal.tests.example/reset?token=tok_reset", expiresAt: new Date(Date.now() + 30 * 60_000) },
    });
    const message = await smtp.waitFor(to);
    expect(message.subject).toBe("Reset your Herald Test password");
    expect(message.text).toContain("expires in 30 minutes");
    expect(smtp.refusedCount() - refusedBefore).toBe(2);
    const row = await waitForStatus(id, "sent");
    expect(row.attempts).toBe(3);
    expect(row.lastError).toBeNull();
  });

  it("stops at once on a permanent refusal (550) and shows the server's answer", async () => {
    const to = unique("refused");
    smtp.refuse(1, 550);
    const { id } = await queueEmail({
      to,
      template: "email-change",
      data: { oldEmail: "old@tests.example", newEmail: to, link: "http://portal.tests.example/confirm?token=tok_x", expiresAt: new Date(Date.now() + 86_400_000) },
    });
    const row = await waitForStatus(id, "failed");
    expect(row.attempts).toBe(1);
    expect(row.lastError).toMatch(/550/);
    expect(row.lastError).toMatch(/Mailbox unavailable/);
  });

  it("resends a failed email exactly as rendered, and refuses to resend one already on its way", async () => {
    const to = unique("resend");
    smtp.refuse(1, 550);
    const { id } = await queueEmail(invitation(to));
    const failed = await waitForStatus(id, "failed");
    const resent = await resendEmail(id);
    expect(resent).toMatchObject({ id, to });
    await expect(resendEmail(id)).rejects.toMatchObject({ code: "conflict:email_queued" });
    const message = await smtp.waitFor(to);
    expect(message.subject).toBe(failed.subject);
    expect(message.text.trim()).toBe(failed.text.trim());
    const sent = await waitForStatus(id, "sent");
    expect(sent.attempts).toBe(2);
    expect(sent.lastError).toBeNull();
    // A sent email can be sent again (a person lost it); a second run has its own id (a run id seen before would
    // start nothing, and there would be no third attempt).
    await resendEmail(id);
    await smtp.waitFor(to);
    const again = await waitForStatus(id, "sent");
    expect(again.attempts).toBe(3);
    // Each run is deleted as it completes (just after the email's status is written): none is left behind.
    const db = await getDb();
    await vi.waitFor(
      async () => {
        const runs = await db.select({ id: workflowRuns.id }).from(workflowRuns).where(eq(workflowRuns.workflow, "send-email"));
        expect(runs.filter((r) => r.id.startsWith(`email:${id}:`))).toEqual([]);
      },
      { timeout: 5_000, interval: 25 },
    );
  });

  it("queues atomically with the caller's transaction: a rollback leaves no email and sends nothing", async () => {
    const to = unique("rollback");
    const db = await getDb();
    let queuedId = "";
    await expect(
      db.transaction(async (tx) => {
        queuedId = (await queueEmail(invitation(to), { tx })).id;
        throw new Error("the caller's write failed");
      }),
    ).rejects.toThrow("the caller's write failed");
    expect(await db.select().from(emails).where(eq(emails.id, queuedId))).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.messages.some((m) => m.to.includes(to))).toBe(false);
  });

  it("refuses an invalid address and template data that does not fit, before storing anything", async () => {
    await expect(queueEmail({ ...invitation("not an email") })).rejects.toMatchObject({ code: "bad_request:email" });
    await expect(queueEmail({ ...invitation(unique("bad")), data: { ...invitation("x@y.example").data, link: "not a url" } })).rejects.toThrow();
  });

  it("Admin -> Emails' Resend: platform admins only, validated, audited in the email's organization", async () => {
    const admin = await sessionContextFor("admin@example.com");
    const partner = await sessionContextFor("partner@example.com");
    const to = unique("adminresend");
    const { id } = await queueEmail({ ...invitation(to), organizationId: partner.org.id });
    await smtp.waitFor(to);
    await waitForStatus(id, "sent");

    const refused = await runAction(partner, resendEmailSchema, resendEmailAsAdmin, { id });
    expect(refused).toMatchObject({ ok: false, error: { code: "not_found:email" } });
    const bad = await runAction(admin, resendEmailSchema, resendEmailAsAdmin, { id: "eml_../../etc" });
    expect(bad).toMatchObject({ ok: false, error: { code: "bad_request:validation", fieldErrors: { id: ["That email does not exist."] } } });
    const unknown = await runAction(admin, resendEmailSchema, resendEmailAsAdmin, { id: "eml_00000000000000000000" });
    expect(unknown).toMatchObject({ ok: false, error: { code: "not_found:email" } });
    expect((await emailRow(id)).attempts).toBe(1);

    const done = await runAction(admin, resendEmailSchema, resendEmailAsAdmin, { id });
    expect(done).toEqual({ ok: true, data: { id, to } });
    await smtp.waitFor(to);
    expect((await waitForStatus(id, "sent")).attempts).toBe(2);
    const db = await getDb();
    const [event] = await db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
    expect(event).toMatchObject({ organizationId: partner.org.id, action: "email.resent", actorEmail: "admin@example.com", changes: { to: { to } } });
  });
});

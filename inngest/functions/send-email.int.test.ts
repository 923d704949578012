import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIsolatedDatabase } from "@/testing/isolated-database";
import { startSmtpCapture } from "@/testing/smtp";

// A real SMTP server on loopback; this file's own database, so no other file's engine claims the stored runs.
const smtp = await startSmtpCapture();
const database = await createIsolatedDatabase("sendemail");
process.env.SMTP_URL = smtp.url;

const { closeDb, getDb } = await import("@/db");
const { emails } = await import("@/db/schema");
const { queueEmail } = await import("@/lib/email");
const { prepareDatabase } = await import("@/lib/startup");
const { EMAIL_REQUESTED } = await import("../events");
const { sendEmail } = await import("./send-email");

beforeAll(async () => {
  await prepareDatabase();
});

afterAll(async () => {
  await closeDb();
  await smtp.close();
  await database.drop();
});

// Real step bodies (real SMTP, real database); only the sleeps are mocked, as @inngest/test requires.
const sleeps = () => [1, 2, 3, 4, 5].map((n) => ({ id: `backoff-${n}`, handler: () => undefined }));

async function queued(to: string) {
  const { id } = await queueEmail({
    to,
    template: "password-reset",
    data: { link: "http://localhost:3000/reset?token=t", expiresAt: new Date(Date.now() + 1_800_000) },
  });
  return { emailId: id, runKey: "1", queuedAt: Date.now() };
}

describe("send-email on Inngest (@inngest/test)", () => {
  it("451 then accepted: two attempt steps, one backoff, sent once", async () => {
    const to = "inngest-retry@tests.example";
    const data = await queued(to);
    smtp.refuse(1, 451);
    const t = new InngestTestEngine({ function: sendEmail });
    const { result, ctx } = await t.execute({ events: [{ name: EMAIL_REQUESTED, data }], steps: sleeps() });
    expect(result).toEqual({ done: true, status: "sent" });
    expect(ctx.step.run).toHaveBeenCalledWith("attempt-1", expect.any(Function));
    expect(ctx.step.run).toHaveBeenCalledWith("attempt-2", expect.any(Function));
    expect(ctx.step.run).not.toHaveBeenCalledWith("attempt-3", expect.any(Function));
    expect(smtp.messages.filter((m) => m.to.includes(to))).toHaveLength(1);
    const db = await getDb();
    const [row] = await db.select().from(emails).where(eq(emails.id, data.emailId));
    expect(row).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("an email already sent (a replay after a crash) is not sent again", async () => {
    const to = "inngest-once@tests.example";
    const data = await queued(to);
    await new InngestTestEngine({ function: sendEmail }).execute({ events: [{ name: EMAIL_REQUESTED, data }], steps: sleeps() });
    const again = await new InngestTestEngine({ function: sendEmail }).execute({ events: [{ name: EMAIL_REQUESTED, data }], steps: sleeps() });
    expect(again.result).toEqual({ done: true, status: "sent" });
    expect(smtp.messages.filter((m) => m.to.includes(to))).toHaveLength(1);
  });

  it("fails the step while the row is not visible yet (Inngest retries it), and gives up on a long-gone one", async () => {
    const missing = { emailId: "eml_00000000000000000000", runKey: "1", queuedAt: Date.now() };
    const fresh = await new InngestTestEngine({ function: sendEmail }).execute({ events: [{ name: EMAIL_REQUESTED, data: missing }], steps: sleeps() });
    expect(JSON.stringify(fresh.error)).toMatch(/not visible yet/);
    const old = await new InngestTestEngine({ function: sendEmail }).execute({
      events: [{ name: EMAIL_REQUESTED, data: { ...missing, queuedAt: Date.now() - 2 * 60 * 60 * 1000 } }],
      steps: sleeps(),
    });
    expect(old.result).toEqual({ done: true, status: "gone" });
  });
});

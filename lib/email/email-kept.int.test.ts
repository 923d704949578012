import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createIsolatedDatabase } from "@/testing/isolated-database";

// The first-run command: no SMTP_URL. Info-level logs, to read the line a newcomer follows.
const database = await createIsolatedDatabase("emailkept");
delete process.env.SMTP_URL;
process.env.LOG_LEVEL = "info";
process.env.APP_URL = "http://localhost:3000";

const { closeDb, getDb } = await import("@/db");
const { emails, workflowRuns } = await import("@/db/schema");
const { queueEmail, resendEmail } = await import("@/lib/email");
const { prepareDatabase } = await import("@/lib/startup");

beforeAll(async () => {
  await prepareDatabase();
});

afterAll(async () => {
  await closeDb();
  await database.drop();
});

/** Runs `fn` and returns what it wrote to stdout (the logger's JSON lines), still passing it through. */
async function stdoutOf(fn: () => Promise<unknown>): Promise<string> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = write;
  }
  return chunks.join("");
}

describe("email without SMTP_URL", () => {
  it("keeps the email (status kept, no run, nothing sent) and logs one line with its link", async () => {
    const to = "newcomer@tests.example";
    const link = "http://localhost:3000/invitations/accept?token=tok_first_run";
    let id = "";
    const out = await stdoutOf(async () => {
      ({ id } = await queueEmail({
        to,
        template: "invitation",
        data: { organizationName: "Acme Verify", role: "owner", link, expiresAt: new Date(Date.now() + 7 * 86_400_000) },
        organizationId: "org_kept",
      }));
    });
    const db = await getDb();
    const [row] = await db.select().from(emails).where(eq(emails.id, id));
    expect(row).toMatchObject({ status: "kept", attempts: 0, to, link, template: "invitation", subject: "Join Acme Verify on Herald" });
    expect(row!.sentAt).toBeNull();
    expect(await db.select().from(workflowRuns).where(eq(workflowRuns.workflow, "send-email"))).toHaveLength(0);
    const lines = out.split("\n").filter((l) => l.includes(id));
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: string; msg: string };
    expect(line.level).toBe("info");
    expect(line.msg).toContain(link);
    expect(line.msg).toContain(to);
  });

  it("cannot resend without SMTP_URL, and says what to set", async () => {
    const { id } = await queueEmail({
      to: "again@tests.example",
      template: "password-reset",
      data: { link: "http://localhost:3000/reset?token=t", expiresAt: new Date(Date.now() + 1_800_000) },
    });
    await expect(resendEmail(id)).rejects.toMatchObject({ code: "conflict:email_not_configured", message: expect.stringContaining("SMTP_URL") });
  });
});

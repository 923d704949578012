import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { loginAttempts, users } from "@/db/schema";
import { env } from "@/lib/env";
import { authorizeWithPassword, SignInThrottled } from "./credentials";

afterAll(async () => {
  await closeDb();
});

let ipCounter = 0;
/** Every test signs in from its own address, so budgets never leak between tests or parallel files. */
function fromIp(): { headers: Headers } {
  ipCounter += 1;
  return { headers: new Headers({ "x-forwarded-for": `198.51.100.${ipCounter}, 10.0.0.1` }) };
}

describe("authorizeWithPassword", () => {
  it("signs a demo partner in with the session's ids and stamps the sign-in", async () => {
    const user = await authorizeWithPassword({ email: "Partner@Example.com", password: "partner-demo-password" }, fromIp());
    expect(user).toMatchObject({ email: "partner@example.com", name: "Paula Partner", isAdmin: false });
    expect(user?.id).toMatch(/^usr_/);
    expect(user?.orgId).toMatch(/^org_/);
    const db = await getDb();
    const [row] = await db.select({ lastLoginAt: users.lastLoginAt }).from(users).where(eq(users.id, user!.id));
    expect(row?.lastLoginAt).toBeInstanceOf(Date);
  });

  it("carries the platform-admin flag", async () => {
    const admin = await authorizeWithPassword({ email: "admin@example.com", password: "admin-demo-password" }, fromIp());
    expect(admin?.isAdmin).toBe(true);
  });

  it("answers a wrong password and an unknown email the same way, and records both", async () => {
    const ip = fromIp();
    expect(await authorizeWithPassword({ email: "other@example.com", password: "wrong-password" }, ip)).toBeNull();
    expect(await authorizeWithPassword({ email: "nobody@example.com", password: "whatever" }, ip)).toBeNull();
    const db = await getDb();
    const rows = await db
      .select({ email: loginAttempts.email, succeeded: loginAttempts.succeeded })
      .from(loginAttempts)
      .where(eq(loginAttempts.ip, ip.headers.get("x-forwarded-for")!.split(",")[0]!));
    expect(rows).toEqual(
      expect.arrayContaining([
        { email: "other@example.com", succeeded: false },
        { email: "nobody@example.com", succeeded: false },
      ]),
    );
  });

  it("rejects malformed input without touching the database", async () => {
    expect(await authorizeWithPassword({ email: ["a"], password: 1 }, fromIp())).toBeNull();
    expect(await authorizeWithPassword(undefined, fromIp())).toBeNull();
  });

  it("throttles an email after its failure budget, even with the right password, and says how long", async () => {
    const email = `throttle-${Date.now()}@example.com`;
    const max = env.loginThrottle.maxFailuresPerEmail;
    for (let i = 0; i < max; i += 1) {
      // Spread over many addresses: the budget is the email's, wherever the guesses come from.
      expect(await authorizeWithPassword({ email, password: `guess-${i}` }, fromIp())).toBeNull();
    }
    const attempt = authorizeWithPassword({ email, password: "guess-final" }, fromIp());
    await expect(attempt).rejects.toBeInstanceOf(SignInThrottled);
    const error = (await attempt.catch((e: unknown) => e)) as SignInThrottled;
    expect(error.code).toMatch(/^throttled:\d+$/);
    expect(error.retryAfterSeconds).toBeGreaterThan(env.loginThrottle.windowMinutes * 60 - 60);
  });

  it("throttles one IP that tries many emails", async () => {
    const ip = fromIp();
    const max = env.loginThrottle.maxFailuresPerIp;
    for (let i = 0; i < max; i += 1) {
      await authorizeWithPassword({ email: `spray-${i}-${Date.now()}@example.com`, password: "x" }, ip);
    }
    await expect(authorizeWithPassword({ email: "partner@example.com", password: "partner-demo-password" }, ip)).rejects.toBeInstanceOf(
      SignInThrottled,
    );
    // The real partner signing in from elsewhere is not affected.
    expect(await authorizeWithPassword({ email: "partner@example.com", password: "partner-demo-password" }, fromIp())).not.toBeNull();
  });

  it("forgives earlier failures from the same place after a successful sign-in", async () => {
    const ip = fromIp();
    await authorizeWithPassword({ email: "other@example.com", password: "typo" }, ip);
    expect(await authorizeWithPassword({ email: "other@example.com", password: "other-demo-password" }, ip)).not.toBeNull();
    const db = await getDb();
    const failures = await db
      .select()
      .from(loginAttempts)
      .where(and(eq(loginAttempts.ip, ip.headers.get("x-forwarded-for")!.split(",")[0]!), eq(loginAttempts.succeeded, false)));
    expect(failures).toHaveLength(0);
  });
});

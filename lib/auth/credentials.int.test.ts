import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { loginAttempts, users } from "@/db/schema";
import { env } from "@/lib/env";
import { PEER_HEADER, peerStamp } from "@/lib/net/client-address";
import { prepareDatabase } from "@/lib/startup";
import { authorizeWithPassword, SignInThrottled } from "./credentials";

beforeAll(async () => {
  await prepareDatabase();
});

afterAll(async () => {
  await closeDb();
});

let ipCounter = 0;
/**
 * Every test signs in from its own address, so budgets never leak between tests or parallel files. The address is
 * the socket's, as the server stamps it (TRUSTED_PROXY_HOPS=0); the X-Forwarded-For a client adds changes nothing.
 */
function fromIp(forwardedFor = "203.0.113.66"): { headers: Headers; ip: string } {
  ipCounter += 1;
  const ip = `198.51.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`;
  return { ip, headers: new Headers({ [PEER_HEADER]: peerStamp(ip), "x-forwarded-for": forwardedFor }) };
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
      .where(eq(loginAttempts.ip, ip.ip));
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
      .where(and(eq(loginAttempts.ip, ip.ip), eq(loginAttempts.succeeded, false)));
    expect(failures).toHaveLength(0);
  });

  it("checks no more passwords than the email's budget when 150 wrong guesses arrive at once (from 150 addresses)", async () => {
    const email = `race-email-${Date.now()}@example.com`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 150 }, (_, i) => authorizeWithPassword({ email, password: `guess-${i}` }, fromIp())),
    );
    const checked = outcomes.filter((o) => o.status === "fulfilled");
    const throttled = outcomes.filter((o) => o.status === "rejected" && o.reason instanceof SignInThrottled);
    expect(checked).toHaveLength(env.loginThrottle.maxFailuresPerEmail);
    expect(throttled).toHaveLength(150 - env.loginThrottle.maxFailuresPerEmail);
    const db = await getDb();
    const rows = await db.select().from(loginAttempts).where(eq(loginAttempts.email, email));
    expect(rows).toHaveLength(env.loginThrottle.maxFailuresPerEmail);
  });

  it("checks no more passwords than the address's budget when 120 guesses at different emails arrive at once", async () => {
    const ip = fromIp();
    const stamp = Date.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) => authorizeWithPassword({ email: `race-ip-${i}-${stamp}@example.com`, password: "x" }, ip)),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(env.loginThrottle.maxFailuresPerIp);
    expect(outcomes.filter((o) => o.status === "rejected" && o.reason instanceof SignInThrottled)).toHaveLength(
      120 - env.loginThrottle.maxFailuresPerIp,
    );
    const db = await getDb();
    expect(await db.select().from(loginAttempts).where(eq(loginAttempts.ip, ip.ip))).toHaveLength(env.loginThrottle.maxFailuresPerIp);
  });

  it("keys the per-address budget on the socket's address: a new X-Forwarded-For on every guess does not reset it", async () => {
    const socket = fromIp();
    const max = env.loginThrottle.maxFailuresPerIp;
    const stamp = Date.now();
    const spoofed = (i: number) => ({ headers: new Headers({ [PEER_HEADER]: socket.headers.get(PEER_HEADER)!, "x-forwarded-for": `10.9.${i}.1` }) });
    for (let i = 0; i < max; i += 1) {
      expect(await authorizeWithPassword({ email: `spoof-${i}-${stamp}@example.com`, password: "x" }, spoofed(i))).toBeNull();
    }
    await expect(authorizeWithPassword({ email: `spoof-last-${stamp}@example.com`, password: "x" }, spoofed(max))).rejects.toBeInstanceOf(
      SignInThrottled,
    );
    const db = await getDb();
    const ips = await db.selectDistinct({ ip: loginAttempts.ip }).from(loginAttempts).where(sql`${loginAttempts.email} like ${`spoof-%-${stamp}@example.com`}`);
    expect(ips).toEqual([{ ip: socket.ip }]);
  });
});

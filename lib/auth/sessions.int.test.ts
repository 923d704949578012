import { decode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "@/db";
import { getContextForSession } from "@/db/queries/users";
import { prepareDatabase } from "@/lib/startup";

// The real Auth.js handlers (app/api/auth/[...nextauth]), called in-process the way a browser calls them.
const { handlers } = await import("@/lib/auth");
const BASE = "http://localhost:3999";
const COOKIE = "authjs.session-token";

afterAll(async () => {
  await closeDb();
});

beforeAll(async () => {
  await prepareDatabase();
});

function jar(...responses: Response[]): string {
  return responses
    .flatMap((r) => r.headers.getSetCookie())
    .map((c) => c.split(";")[0]!)
    .filter((c) => !c.endsWith("="))
    .join("; ");
}

async function csrf(): Promise<{ token: string; cookie: string }> {
  const res = await handlers.GET(new NextRequest(`${BASE}/api/auth/csrf`));
  return { token: ((await res.json()) as { csrfToken: string }).csrfToken, cookie: jar(res) };
}

async function signIn(email: string, password: string): Promise<string> {
  const { token, cookie } = await csrf();
  const res = await handlers.POST(
    new NextRequest(`${BASE}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-forwarded-for": "203.0.113.77" },
      body: new URLSearchParams({ email, password, csrfToken: token }),
    }),
  );
  const session = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`));
  if (!session) throw new Error(`no session cookie: ${res.status} ${res.headers.get("location")}`);
  return session.split(";")[0]!;
}

async function claims(cookie: string) {
  const token = await decode({ token: cookie.slice(COOKIE.length + 1), secret: process.env.AUTH_SECRET!, salt: COOKIE });
  return { uid: token?.uid as string, sid: token?.sid as string };
}

describe("server-side sessions", () => {
  it("a sign-in creates a live session in the person's organization; sign-out ends it, so the old cookie loads nothing", async () => {
    const cookie = await signIn("partner@example.com", "partner-demo-password");
    const { uid, sid } = await claims(cookie);
    expect(sid).toMatch(/^ses_/);
    const ctx = await getContextForSession({ userId: uid, sessionId: sid });
    expect(ctx?.org.name).toBe("Acme Verify");

    // Another browser of the same person is a session of its own.
    const other = await signIn("partner@example.com", "partner-demo-password");
    const otherClaims = await claims(other);
    expect(otherClaims.sid).not.toBe(sid);

    const { token, cookie: csrfCookie } = await csrf();
    const out = await handlers.POST(
      new NextRequest(`${BASE}/api/auth/signout`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${cookie}; ${csrfCookie}` },
        body: new URLSearchParams({ csrfToken: token }),
      }),
    );
    expect(out.status).toBeLessThan(400);
    // The cookie itself is still a validly signed token: only the server-side row says it is over.
    expect((await claims(cookie)).uid).toBe(uid);
    expect(await getContextForSession({ userId: uid, sessionId: sid })).toBeUndefined();
    // The other browser stays signed in.
    expect((await getContextForSession({ userId: otherClaims.uid, sessionId: otherClaims.sid }))?.org.name).toBe("Acme Verify");
  });
});

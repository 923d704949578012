import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { createAuthSession, endSession } from "@/db/queries/auth-sessions";
import { listMembers, listOrganizationsForAdmin, renameOrganization } from "@/db/queries/organizations";
import { getContextForSession, getSessionContext, updateUserName } from "@/db/queries/users";
import { memberships, users } from "@/db/schema";
import { prepareDatabase } from "@/lib/startup";

afterAll(async () => {
  await closeDb();
});

const ids: Record<string, { userId: string; orgId: string }> = {};

beforeAll(async () => {
  await prepareDatabase();
  const db = await getDb();
  for (const email of ["partner@example.com", "other@example.com", "admin@example.com"]) {
    const [row] = await db
      .select({ userId: users.id, orgId: memberships.organizationId })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .where(eq(users.email, email));
    ids[email] = row!;
  }
});

describe("tenant-scoped queries", () => {
  it("builds a context only for a member of the organization named", async () => {
    const acme = ids["partner@example.com"]!;
    const globex = ids["other@example.com"]!;
    const ctx = await getSessionContext(acme);
    expect(ctx?.org.name).toBe("Acme Verify");
    expect(ctx?.org.plan).toBe("enterprise");
    expect(ctx?.user.role).toBe("owner");
    // Globex's user with Acme's org (forged or stale) yields nothing.
    expect(await getSessionContext({ userId: globex.userId, orgId: acme.orgId })).toBeUndefined();
    expect(await getSessionContext({ userId: "usr_missing", orgId: acme.orgId })).toBeUndefined();
  });

  it("reads a browser's context from its live session row, and nothing once it ended or names another user", async () => {
    const acme = ids["partner@example.com"]!;
    const globex = ids["other@example.com"]!;
    const sessionId = await createAuthSession({ userId: acme.userId, orgId: acme.orgId, maxAgeSeconds: 60 });
    const ctx = await getContextForSession({ sessionId, userId: acme.userId });
    expect(ctx).toMatchObject({ sessionId, org: { id: acme.orgId }, user: { id: acme.userId } });
    // A cookie naming another user than the session's own: nothing.
    expect(await getContextForSession({ sessionId, userId: globex.userId })).toBeUndefined();
    await endSession({ sessionId, reason: "signed_out" });
    expect(await getContextForSession({ sessionId, userId: acme.userId })).toBeUndefined();
    // Past its expiry: nothing either.
    const expired = await createAuthSession({ userId: acme.userId, orgId: acme.orgId, maxAgeSeconds: -1 });
    expect(await getContextForSession({ sessionId: expired, userId: acme.userId })).toBeUndefined();
  });

  it("a session whose membership is gone loads nothing", async () => {
    const db = await getDb();
    const acme = ids["partner@example.com"]!;
    const globex = ids["other@example.com"]!;
    // A session row pointing Globex's user at Acme (only the database could make it): no membership, no context.
    const sessionId = await createAuthSession({ userId: globex.userId, orgId: acme.orgId, maxAgeSeconds: 60 });
    expect(await getContextForSession({ sessionId, userId: globex.userId })).toBeUndefined();
    expect(
      await db.select().from(memberships).where(and(eq(memberships.userId, globex.userId), eq(memberships.organizationId, acme.orgId))),
    ).toEqual([]);
  });

  it("lists only the caller's members", async () => {
    const members = await listMembers({ orgId: ids["other@example.com"]!.orgId });
    expect(members.map((m) => m.email)).toEqual(["other@example.com"]);
  });

  it("lists every organization for a platform admin and none for anyone else", async () => {
    const all = await listOrganizationsForAdmin({ isPlatformAdmin: true });
    expect(all.map((o) => o.name)).toEqual(expect.arrayContaining(["Acme Verify", "Globex Credentials", "Herald Platform"]));
    expect(all.find((o) => o.name === "Acme Verify")?.memberCount).toBe(1);
    expect(await listOrganizationsForAdmin({ isPlatformAdmin: false })).toEqual([]);
  });

  it("renames the user it is given", async () => {
    const globex = ids["other@example.com"]!;
    expect(await updateUserName({ userId: globex.userId, name: "Oscar O." })).toBe(true);
    expect((await getSessionContext(globex))?.user.name).toBe("Oscar O.");
    await updateUserName({ userId: globex.userId, name: "Oscar Other" });
    expect(await updateUserName({ userId: "usr_missing", name: "x" })).toBe(false);
  });

  it("renames only the organization it is given", async () => {
    const globex = ids["other@example.com"]!;
    expect(await renameOrganization({ orgId: globex.orgId, name: "Globex Renamed" })).toBe(true);
    const names = (await listOrganizationsForAdmin({ isPlatformAdmin: true })).map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(["Acme Verify", "Globex Renamed"]));
    await renameOrganization({ orgId: globex.orgId, name: "Globex Credentials" });
    expect(await renameOrganization({ orgId: "org_missing", name: "x" })).toBe(false);
  });
});

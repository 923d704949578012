import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { listMembers, listOrganizationsForAdmin } from "@/db/queries/organizations";
import { getSessionContext } from "@/db/queries/users";
import { users } from "@/db/schema";

afterAll(async () => {
  await closeDb();
});

const ids: Record<string, { userId: string; orgId: string }> = {};

beforeAll(async () => {
  const db = await getDb();
  for (const email of ["partner@example.com", "other@example.com", "admin@example.com"]) {
    const [row] = await db.select({ userId: users.id, orgId: users.organizationId }).from(users).where(eq(users.email, email));
    ids[email] = row!;
  }
});

describe("tenant-scoped queries", () => {
  it("builds a session context only for a user inside the org the session names", async () => {
    const acme = ids["partner@example.com"]!;
    const globex = ids["other@example.com"]!;
    const ctx = await getSessionContext(acme);
    expect(ctx?.org.name).toBe("Acme Verify");
    expect(ctx?.org.plan).toBe("enterprise");
    expect(ctx?.user.role).toBe("owner");
    // A token that pairs Globex's user with Acme's org (forged or stale) yields nothing.
    expect(await getSessionContext({ userId: globex.userId, orgId: acme.orgId })).toBeUndefined();
    expect(await getSessionContext({ userId: "usr_missing", orgId: acme.orgId })).toBeUndefined();
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
});

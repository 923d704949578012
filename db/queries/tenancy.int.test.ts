import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db";
import { listMembers, listOrganizationsForAdmin, renameOrganization } from "@/db/queries/organizations";
import { getSessionContext, updateUserName } from "@/db/queries/users";
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

  it("renames a user only inside the caller's organization", async () => {
    const acme = ids["partner@example.com"]!;
    const globex = ids["other@example.com"]!;
    // Globex's session naming Acme's user id: nothing changes.
    expect(await updateUserName({ orgId: globex.orgId, userId: acme.userId, name: "Hijacked" })).toBe(false);
    expect((await getSessionContext(acme))?.user.name).toBe("Paula Partner");
    expect(await updateUserName({ orgId: globex.orgId, userId: globex.userId, name: "Oscar O." })).toBe(true);
    expect((await getSessionContext(globex))?.user.name).toBe("Oscar O.");
    await updateUserName({ orgId: globex.orgId, userId: globex.userId, name: "Oscar Other" });
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

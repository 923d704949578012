import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { describe, expect, it } from "vitest";

const MIGRATIONS = path.join(process.cwd(), "db", "migrations");

/** The migrations folder as it was before `tag` (the journal cut just before it). */
async function migrationsBefore(tag: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "herald-migrations-"));
  await cp(MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  if (cut < 0) throw new Error(`no migration ${tag}`);
  journal.entries = journal.entries.slice(0, cut);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

describe("migration 0010_people", () => {
  it("gives every existing user a membership with their organization and role, and loses nobody", async () => {
    const client = new PGlite("memory://");
    const db = drizzle(client);
    const before = await migrationsBefore("0010_people");
    try {
      await migrate(db, { migrationsFolder: before });
      await client.exec(`
        insert into organizations (id, slug, name, plan) values
          ('org_a0000000000000000000', 'a', 'A', 'enterprise'), ('org_b0000000000000000000', 'b', 'B', 'free');
        insert into users (id, organization_id, email, name, role, created_at) values
          ('usr_owner0000000000000a', 'org_a0000000000000000000', 'owner@a.example', 'Owner A', 'owner', '2026-01-01'),
          ('usr_member000000000000a', 'org_a0000000000000000000', 'member@a.example', 'Member A', 'member', '2026-01-02'),
          ('usr_owner0000000000000b', 'org_b0000000000000000000', 'owner@b.example', 'Owner B', 'owner', '2026-01-03');
      `);
      await migrate(db, { migrationsFolder: MIGRATIONS });
      const { rows } = await client.query<{ user_id: string; organization_id: string; role: string; created_at: Date }>(
        "select user_id, organization_id, role, created_at from memberships order by user_id",
      );
      expect(rows.map((r) => [r.user_id, r.organization_id, r.role])).toEqual([
        ["usr_member000000000000a", "org_a0000000000000000000", "member"],
        ["usr_owner0000000000000a", "org_a0000000000000000000", "owner"],
        ["usr_owner0000000000000b", "org_b0000000000000000000", "owner"],
      ]);
      expect(rows[1]!.created_at.toISOString()).toBe(new Date("2026-01-01").toISOString());
      const { rows: users } = await client.query<{ n: number }>("select count(*)::int as n from users");
      expect(users[0]!.n).toBe(3);
      const { rows: columns } = await client.query<{ column_name: string }>(
        "select column_name from information_schema.columns where table_name = 'users' and column_name in ('organization_id', 'role')",
      );
      expect(columns).toEqual([]);
    } finally {
      await client.close();
      await rm(before, { recursive: true, force: true });
    }
  }, 120_000); // applies every migration to an in-memory PGlite twice: slow on a busy 2-core machine
});

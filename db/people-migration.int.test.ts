import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
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

interface Target {
  migrate(folder: string): Promise<void>;
  query<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/** A database of this test's own: a new one on the PostgreSQL server when DATABASE_URL is set, else PGlite in memory. */
async function emptyDatabase(): Promise<Target> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const name = `herald_migration_${randomBytes(4).toString("hex")}`;
    const admin = postgres(base, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const client = postgres(url.toString(), { max: 1, onnotice: () => undefined });
    return {
      migrate: (folder) => migrate(drizzle(client), { migrationsFolder: folder }),
      query: async <T,>(sql: string) => (await client.unsafe(sql)) as unknown as T[],
      close: async () => {
        await client.end();
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const client = new PGlite("memory://");
  return {
    migrate: (folder) => migrate(drizzle(client), { migrationsFolder: folder }),
    query: async <T,>(sql: string) => {
      const results = await client.exec(sql);
      return (results.at(-1)?.rows ?? []) as T[];
    },
    close: () => client.close(),
  };
}

describe("migration 0010_people", () => {
  it("gives every existing user a membership with their organization and role, and loses nobody", { timeout: 180_000 }, async () => {
    const db = await emptyDatabase();
    const before = await migrationsBefore("0010_people");
    try {
      await db.migrate(before);
      await db.query(`
        insert into organizations (id, slug, name, plan) values
          ('org_a0000000000000000000', 'a', 'A', 'enterprise'), ('org_b0000000000000000000', 'b', 'B', 'free');
        insert into users (id, organization_id, email, name, role, created_at) values
          ('usr_owner0000000000000a', 'org_a0000000000000000000', 'owner@a.example', 'Owner A', 'owner', '2026-01-01'),
          ('usr_member000000000000a', 'org_a0000000000000000000', 'member@a.example', 'Member A', 'member', '2026-01-02'),
          ('usr_owner0000000000000b', 'org_b0000000000000000000', 'owner@b.example', 'Owner B', 'owner', '2026-01-03');
      `);
      await db.migrate(MIGRATIONS);
      const rows = await db.query<{ user_id: string; organization_id: string; role: string; created_at: Date | string }>(
        "select user_id, organization_id, role::text as role, created_at from memberships order by user_id",
      );
      expect(rows.map((r) => [r.user_id, r.organization_id, r.role])).toEqual([
        ["usr_member000000000000a", "org_a0000000000000000000", "member"],
        ["usr_owner0000000000000a", "org_a0000000000000000000", "owner"],
        ["usr_owner0000000000000b", "org_b0000000000000000000", "owner"],
      ]);
      expect(new Date(rows[1]!.created_at).toISOString()).toBe(new Date("2026-01-01").toISOString());
      const [users] = await db.query<{ n: number }>("select count(*)::int as n from users");
      expect(users!.n).toBe(3);
      const columns = await db.query<{ column_name: string }>(
        "select column_name from information_schema.columns where table_name = 'users' and column_name in ('organization_id', 'role')",
      );
      expect(columns).toEqual([]);
    } finally {
      await db.close();
      await rm(before, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb, getDeliveryDb, getDriver, openDatabase, pingDatabase, rowsOf } from "@/db";
import { memberships, organizations, users } from "@/db/schema";
import { prepareDatabase } from "@/lib/startup";
import { DEMO_ACCOUNTS, seedDemoData } from "@/lib/startup/seed";
import { verifyPassword } from "@/lib/auth/password";

/** What start-up does on a server with SEED_DEMO on: open (migrating), then seed an empty database. */
async function openSeeded(pgliteDataDir?: string) {
  const handle = await openDatabase({ migrate: true, ...(pgliteDataDir ? { pgliteDataDir } : {}) });
  await seedDemoData(handle.db);
  return handle;
}

afterAll(async () => {
  await closeDb();
});

describe("database start-up", () => {
  it("applies every migration, and start-up seeds the demo accounts", async () => {
    await prepareDatabase();
    const db = await getDb();
    const tables = await db.execute<{ table_name: string }>(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    // postgres.js returns the rows; PGlite returns { rows }.
    const rows0 = Array.isArray(tables) ? tables : (tables as unknown as { rows: { table_name: string }[] }).rows;
    const names = rows0.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(["organizations", "users", "login_attempts"]));

    const rows = await db
      .select({ email: users.email, org: organizations.name, plan: organizations.plan, admin: users.isPlatformAdmin, hash: users.passwordHash })
      .from(users)
      .innerJoin(memberships, eq(memberships.userId, users.id))
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId));
    for (const account of DEMO_ACCOUNTS) {
      const row = rows.find((r) => r.email === account.email);
      expect(row, account.email).toBeDefined();
      expect(row?.org).toBe(account.org.name);
      expect(row?.plan).toBe(account.org.plan);
      expect(row?.admin).toBe(account.isPlatformAdmin);
      // Stored hashed (argon2id), never in clear, and the demo password verifies.
      expect(row?.hash).toMatch(/^\$argon2id\$/);
      expect(await verifyPassword(row?.hash ?? "", account.password)).toBe(true);
    }
  });

  it("re-applies migrations idempotently and never seeds twice", async () => {
    if ((await getDriver()) === "postgres") {
      // Two more app instances starting at once on the same PostgreSQL: migrations and seed run once.
      const db = await getDb();
      const before = await db.select({ n: count() }).from(users);
      const [a, b] = await Promise.all([openSeeded(), openSeeded()]);
      await Promise.all([a.close(), b.close()]);
      expect(await seedDemoData(db)).toEqual({ seeded: false });
      const after = await db.select({ n: count() }).from(users);
      expect(after[0]?.n).toBe(before[0]?.n);
    } else {
      // PGlite is one process: the repeat that matters is a restart on the same data folder.
      const dir = await mkdtemp(path.join(tmpdir(), "herald-pglite-"));
      try {
        const first = await openSeeded(dir);
        await first.close();
        const second = await openSeeded(dir);
        const rows = await second.db.select({ n: count() }).from(users);
        await second.close();
        expect(rows[0]?.n).toBe(DEMO_ACCOUNTS.length);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it("refuses a second account with the same email in another case", async () => {
    const db = await getDb();
    await expect(db.insert(users).values({ id: "usr_case_dup", email: "PARTNER@example.com", name: "Dup" })).rejects.toThrow();
  });

  it("answers a ping", async () => {
    expect(await pingDatabase()).toBe(true);
    expect(["postgres", "pglite"]).toContain(await getDriver());
  });

  // PostgreSQL only: on PGlite the delivery path shares the one connection.
  it.runIf(Boolean(process.env.DATABASE_URL))(
    "runs the delivery path on connections that keep one plan per statement, index lookups only",
    async () => {
      const deliveryDb = await getDeliveryDb();
      const settings = rowsOf<{ name: string; setting: string }>(
        await deliveryDb.execute(sql`
          select name, setting from pg_settings
          where name in ('plan_cache_mode', 'enable_seqscan', 'enable_bitmapscan', 'enable_hashjoin', 'enable_mergejoin', 'jit')
          order by name
        `),
      );
      expect(Object.fromEntries(settings.map((s) => [s.name, s.setting]))).toEqual({
        enable_bitmapscan: "off",
        enable_hashjoin: "off",
        enable_mergejoin: "off",
        enable_seqscan: "off",
        jit: "off",
        plan_cache_mode: "force_generic_plan",
      });
      // A lookup from a handed list, written as the delivery path writes them (the table bounded by the keys at hand),
      // planned whatever the table holds: the table is read through an index by those keys only, which stays right
      // however big it grows (the plan is kept for the connection's life).
      const plan = await deliveryDb.transaction(async (tx) => {
        await tx.execute(sql.raw(`prepare probe_lookup(jsonb) as
          with x as (select * from jsonb_to_recordset($1) as x(id text))
          select d.id from x join deliveries d on d.id = x.id and d.id = any(array(select id from x))`));
        const lines = rowsOf<{ "QUERY PLAN": string }>(await tx.execute(sql.raw(`explain execute probe_lookup('[{"id":"dlv_x"}]')`)));
        await tx.execute(sql.raw("deallocate probe_lookup"));
        return lines.map((l) => l["QUERY PLAN"]).join("\n");
      });
      expect(plan).toMatch(/Index (Only )?Scan using \w+ on deliveries d[^\n]*\n\s*Index Cond: \(id = ANY/);
      expect(plan).not.toMatch(/Seq Scan|Bitmap|Hash Join|Merge Join/);
      // The app's other connections still plan every execution for its parameters.
      expect(rowsOf<{ plan_cache_mode: string }>(await (await getDb()).execute(sql`show plan_cache_mode`))[0]?.plan_cache_mode).toBe("force_custom_plan");
    },
  );

  // PostgreSQL only: PGlite runs one transaction at a time in this process.
  it.runIf(Boolean(process.env.DATABASE_URL))(
    "runs hundreds of transactions at once beside busy connections: each on its own connection, none left open",
    async () => {
      // Large statements queued on every connection, with transactions among them: postgres.js's own begin() could
      // write a BEGIN onto such a connection without reserving it (UNSAFE_TRANSACTION, and the transaction left open
      // on a pooled connection). The wrapper in db/index.ts takes an idle connection for each transaction instead.
      const db = await getDb();
      const padding = "x".repeat(4_000);
      const marker = `tx_probe_${Date.now().toString(36)}`;
      const work = Array.from({ length: 400 }, async (_, i) => {
        if (i % 2 === 0) return db.execute(sql`select length(${padding}) as n, ${i}::int as i`);
        return db.transaction(async (tx) => {
          const [own] = rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid, ${padding}::text as p`));
          await tx.execute(sql`select pg_sleep(0.002)`);
          // The same backend to the end.
          const [after] = rowsOf<{ pid: number }>(await tx.execute(sql`select pg_backend_pid() as pid /* ${sql.raw(marker)} */`));
          expect(after?.pid).toBe(own?.pid);
          return after;
        });
      });
      const results = await Promise.allSettled(work);
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      // No connection of this process is left inside a transaction.
      const open = rowsOf<{ n: number }>(
        await db.execute(sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state like 'idle in transaction%' and pid <> pg_backend_pid()`),
      );
      expect(open[0]?.n).toBe(0);
    },
  );

  // PostgreSQL only: PGlite runs in this process and has no connection to prepare on.
  it.runIf(Boolean(process.env.DATABASE_URL))(
    "prepares a statement with parameters once per connection and reuses it, in transactions too",
    async () => {
      const db = await getDb();
      const marker = `prepared_probe_${Date.now().toString(36)}`;
      // A raw statement without parameters is not prepared; the same text with one parameter is.
      const found = await db.transaction(async (tx) => {
        await tx.execute(sql.raw(`select 1::int as n /* ${marker} */`));
        for (const n of [1, 2, 3]) {
          const rows = await tx.execute<{ n: number }>(sql`select ${n}::int as n /* ${sql.raw(marker)} */`);
          expect(rowsOf<{ n: number }>(rows)[0]?.n).toBe(n);
        }
        // A savepoint (a nested transaction) prepares on the same connection too.
        await tx.transaction(async (nested) => {
          expect(rowsOf<{ n: number }>(await nested.execute(sql`select ${4}::int as n /* ${sql.raw(marker)} */`))[0]?.n).toBe(4);
        });
        // ... and planned for its parameters every time: a generic plan made while a table was small is never kept.
        expect(rowsOf<{ plan_cache_mode: string }>(await tx.execute(sql`show plan_cache_mode`))[0]?.plan_cache_mode).toBe("force_custom_plan");
        return rowsOf<{ statement: string }>(
          await tx.execute(sql`select statement from pg_prepared_statements where statement like ${`%${marker}%`}`),
        );
      });
      // Three executions with a parameter, one prepared statement; the literal one stayed unprepared.
      expect(found).toHaveLength(1);
      expect(found[0]?.statement).toContain("$1");
    },
  );
});

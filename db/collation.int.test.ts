import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, getDb, rowsOf } from "@/db";

// Ids compare bytewise (migration 0030). Two columns compared with each other must share a collation, or an index on
// one side cannot serve the comparison and the join reads the whole table instead; drizzle's column builder cannot
// say COLLATE, so these checks keep every table (and any table added later) in line.

afterAll(async () => {
  await closeDb();
});

describe("id columns", () => {
  it("every id column, and the engine's keys, compare bytewise (COLLATE \"C\"), partitions included", async () => {
    const db = await getDb();
    const columns = rowsOf<{ column: string; collation: string }>(
      await db.execute(sql`
        select c.relname || '.' || a.attname as column, coalesce(co.collname, '') as collation
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        left join pg_collation co on co.oid = a.attcollation
        where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
          and a.atttypid = 'text'::regtype
          and (a.attname ~ '(^id$|_id$)' or (c.relname = 'workflow_runs' and a.attname in ('concurrency_key', 'group_key')))
        order by 1
      `),
    );
    // The delivery path's own columns are among them (the query above is not vacuous).
    const names = columns.map((c) => c.column);
    for (const expected of ["deliveries.id", "deliveries.endpoint_id", "events.id", "webhook_endpoints.organization_id", "workflow_runs.concurrency_key"]) {
      expect(names).toContain(expected);
    }
    expect(names.some((n) => /^delivery_attempts_/.test(n))).toBe(true);
    expect(columns.filter((c) => c.collation !== "C")).toEqual([]);
  });

  it("both sides of every foreign key share a collation", async () => {
    const db = await getDb();
    const keys = rowsOf<{ name: string; mismatched: boolean }>(
      await db.execute(sql`
        select con.conname as name, bool_or(fa.attcollation <> ra.attcollation) as mismatched
        from pg_constraint con
        cross join lateral unnest(con.conkey, con.confkey) as k(from_col, to_col)
        join pg_attribute fa on fa.attrelid = con.conrelid and fa.attnum = k.from_col
        join pg_attribute ra on ra.attrelid = con.confrelid and ra.attnum = k.to_col
        where con.contype = 'f' and con.connamespace = 'public'::regnamespace
        group by con.conname
      `),
    );
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => k.mismatched).map((k) => k.name)).toEqual([]);
  });

  it("a prefix search on delivery and event ids is an index range, with no pattern index", async () => {
    const db = await getDb();
    const plans = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const out: string[] = [];
      for (const query of [
        sql`explain select id from deliveries where id like ${"dlv\\_abc%"}`,
        sql`explain select id from events where id like ${"evt\\_r1rgh%"}`,
      ]) {
        out.push(rowsOf<{ "QUERY PLAN": string }>(await tx.execute(query)).map((r) => r["QUERY PLAN"]).join("\n"));
      }
      return out;
    });
    expect(plans[0]).toMatch(/Index Cond: \(\(id >= 'dlv_abc'::text\) AND \(id < 'dlv_abd'::text\)\)/);
    expect(plans[1]).toMatch(/Index Cond: \(\(id >= 'evt_r1rgh'::text\) AND \(id < 'evt_r1rgi'::text\)\)/);
    const patternIndexes = rowsOf<{ indexname: string }>(
      await db.execute(sql`select indexname from pg_indexes where schemaname = 'public' and indexdef like '%pattern_ops%'`),
    );
    expect(patternIndexes).toEqual([]);
  });
});

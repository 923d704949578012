import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/postgres-js";
import type { Sql } from "postgres";
import { DELIVERY_PATH_SETTINGS, openDatabase } from "@/db";

/** A fresh migrated database and one connection on it whose every plan (nested statements too) comes back as a notice. */
export interface ExplainedDatabase {
  conn: Sql;
  /** The plans auto_explain sent so far, one notice each; empty it before the statement under test. */
  notices: string[];
  /** Runs a drizzle statement prepared and bound on `conn`, as the app's connections do (db/index.ts). */
  runPrepared: (statement: SQL) => Promise<unknown>;
}

/**
 * Runs `test` against a database of its own, created on DATABASE_URL's server, migrated, and dropped afterwards. With
 * `deliveryPath`, the connection is set up as the app's delivery path connects (db/index.ts): index paths only and
 * generic plans, made at the first execution and kept, so a test can make a plan on an empty table and watch what it
 * reads once the tables are full. drizzle's serializers are set on it, so JSON and timestamps go as the text drizzle
 * made. PostgreSQL only: auto_explain is its module.
 */
export async function withExplainedDatabase(
  label: string,
  options: { deliveryPath: boolean },
  test: (db: ExplainedDatabase) => Promise<void>,
): Promise<void> {
  const { default: postgres } = await import("postgres");
  const base = process.env.DATABASE_URL!;
  const name = `herald_${label}_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const notices: string[] = [];
  const conn = postgres(url.toString(), {
    max: 1,
    onnotice: (n) => notices.push(String(n.message)),
    ...(options.deliveryPath ? { connection: { ...DELIVERY_PATH_SETTINGS, plan_cache_mode: "force_generic_plan" } } : {}),
  });
  drizzle(conn);
  const dialect = new PgDialect();
  try {
    const handle = await openDatabase({ migrate: true, databaseUrl: url.toString() });
    await handle.close();
    await conn.unsafe("load 'auto_explain'");
    await conn.unsafe(
      "set auto_explain.log_min_duration = 0; set auto_explain.log_nested_statements = on; set auto_explain.log_analyze = on; " +
        "set auto_explain.log_level = notice; set auto_explain.sample_rate = 1; set client_min_messages = notice",
    );
    await test({
      conn,
      notices,
      runPrepared: (statement) => {
        const query = dialect.sqlToQuery(statement);
        return conn.unsafe(query.sql, query.params as never[], { prepare: true });
      },
    });
  } finally {
    await conn.end();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/** Every scan node of the explained plans: the table it read and the rows it returned over all its loops. */
export function scannedRows(plans: string): { table: string; rows: number }[] {
  return [...plans.matchAll(/(?:Index (?:Only )?Scan|Seq Scan)[^\n]* on (\w+)[^\n]*actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)/g)].map(
    (m) => ({ table: m[1]!, rows: Number(m[2]) * Number(m[3]) }),
  );
}

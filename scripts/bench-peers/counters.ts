import postgres from "postgres";

/**
 * PostgreSQL's own counters for one benchmark database: rows inserted, updated and deleted in its tables
 * (pg_stat_user_tables, per database) and the WAL position and pg_stat_wal's bytes (per server: on a shared server
 * other databases' writes land there too, which the report says).
 */
export interface DbCounters {
  walLsn: string;
  walBytes: number;
  inserted: number;
  updated: number;
  deleted: number;
  tables: Record<string, { ins: number; upd: number; del: number }>;
  databaseBytes: number;
}

export async function readCounters(url: string): Promise<DbCounters> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [wal] = await sql<{ lsn: string; wal_bytes: string }[]>`select pg_current_wal_lsn()::text as lsn, (select wal_bytes from pg_stat_wal)::text as wal_bytes`;
    const tables = await sql<{ schemaname: string; relname: string; ins: string; upd: string; del: string }[]>`
      select schemaname, relname, n_tup_ins::text as ins, n_tup_upd::text as upd, n_tup_del::text as del from pg_stat_user_tables`;
    const [size] = await sql<{ bytes: string }[]>`select pg_database_size(current_database())::text as bytes`;
    const out: DbCounters = { walLsn: wal!.lsn, walBytes: Number(wal!.wal_bytes), inserted: 0, updated: 0, deleted: 0, tables: {}, databaseBytes: Number(size!.bytes) };
    for (const t of tables) {
      const row = { ins: Number(t.ins), upd: Number(t.upd), del: Number(t.del) };
      out.tables[`${t.schemaname}.${t.relname}`] = row;
      out.inserted += row.ins;
      out.updated += row.upd;
      out.deleted += row.del;
    }
    return out;
  } finally {
    await sql.end();
  }
}

/** Bytes of WAL between two positions ('16/B374D848'). */
export function lsnDiff(before: string, after: string): number {
  const toNumber = (lsn: string) => {
    const [hi, lo] = lsn.split("/");
    return Number.parseInt(hi!, 16) * 2 ** 32 + Number.parseInt(lo!, 16);
  };
  return toNumber(after) - toNumber(before);
}

import { asc, desc, sql, type AnyColumn, type SQL, type Subquery } from "drizzle-orm";
import { rowsOf, type Db } from "@/db";

/**
 * Keyset paging over (created_at, id), newest first, shared by Logs, the Audit log and Admin -> Emails: never OFFSET
 * (page 1,000 costs what page 1 does), Newer and Older both ways, and a total that is exact while cheap.
 */

/**
 * A row's place in the newest-first order. `micros` (microseconds since the epoch, as PostgreSQL stores it) makes
 * the cursor exact; without it the millisecond of `createdAt` is used.
 */
export interface KeysetCursor {
  createdAt: Date;
  id: string;
  micros?: string;
}

/** Older rows than `before`, or newer ones than `after` (a Newer page). */
export interface KeysetPage {
  before?: KeysetCursor;
  after?: KeysetCursor;
}

export function cursorTime(cursor: KeysetCursor): SQL {
  const micros = cursor.micros ?? String(cursor.createdAt.getTime() * 1000);
  return sql`(timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond')`;
}

/** The column's time in microseconds (text), for exact cursors. */
export function micros(createdAt: AnyColumn): SQL<string> {
  return sql<string>`(extract(epoch from ${createdAt}) * 1000000)::bigint::text`;
}

/** The cursor's condition: a row comparison, which a (…, created_at, id) index serves as one range scan. */
export function keysetCondition(createdAt: AnyColumn, id: AnyColumn, { before, after }: KeysetPage): SQL | undefined {
  if (before) return sql`(${createdAt}, ${id}) < (${cursorTime(before)}, ${before.id})`;
  if (after) return sql`(${createdAt}, ${id}) > (${cursorTime(after)}, ${after.id})`;
  return undefined;
}

/** A Newer page is read oldest first from its cursor (the rows nearest it); `newestFirst` turns it round. */
export function isNewerPage({ before, after }: KeysetPage): boolean {
  return Boolean(after && !before);
}

export function keysetOrder(createdAt: AnyColumn, id: AnyColumn, page: KeysetPage): SQL[] {
  return isNewerPage(page) ? [asc(createdAt), asc(id)] : [desc(createdAt), desc(id)];
}

export function newestFirst<T>(rows: T[], page: KeysetPage): T[] {
  return isNewerPage(page) ? rows.reverse() : rows;
}

/** A list's total: exact up to a cap, the planner's estimate above it ("about 12,400"). */
export interface ListCount {
  count: number;
  exact: boolean;
}

export const EXACT_COUNT_CAP = 1000;

/** A select that counting can print (for EXPLAIN) and wrap (for the capped count). */
interface CountableQuery {
  toSQL(): { sql: string; params: unknown[] };
  as(alias: string): Subquery;
}

/**
 * How many rows `matching` finds: PostgreSQL's own row estimate for the query when it is over `cap` (shown as
 * "about"), else counted exactly, stopping at `cap` + 1 rows. `matching(limit)` builds the select (any columns).
 */
export async function countCapped(db: Db, matching: (limit?: number) => CountableQuery, cap = EXACT_COUNT_CAP): Promise<ListCount> {
  // The estimate first: a capped count is cheap only while matches are dense or few, and the estimate says which.
  const query = matching().toSQL();
  const plan = rowsOf<{ "QUERY PLAN": unknown }>(await db.execute(sql.raw(`explain (format json) ${inlineParams(query.sql, query.params)}`)));
  const estimate = planRows(plan[0]?.["QUERY PLAN"]) ?? 0;
  if (estimate > cap) return { count: estimate, exact: false };
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(matching(cap + 1).as("capped"));
  const exact = Number(row?.n ?? 0);
  return exact <= cap ? { count: exact, exact: true } : { count: Math.max(cap + 1, estimate), exact: false };
}

/** EXPLAIN cannot take bind parameters: they go in as literals (only the app's own values reach here). */
export function inlineParams(text: string, params: unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (value === null || value === undefined) return "null";
    if (typeof value === "number") return String(value);
    if (value instanceof Date) return `'${value.toISOString()}'`;
    if (Array.isArray(value)) return `array[${value.map((v) => `'${String(v).replaceAll("'", "''")}'`).join(",")}]::text[]`;
    return `'${String(value).replaceAll("'", "''")}'`;
  });
}

export function planRows(plan: unknown): number | undefined {
  const parsed = typeof plan === "string" ? (JSON.parse(plan) as unknown) : plan;
  const top = (parsed as { Plan?: { "Plan Rows"?: number } }[] | undefined)?.[0]?.Plan?.["Plan Rows"];
  return typeof top === "number" ? Math.round(top) : undefined;
}

import { mkdirSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type features use: the same on PostgreSQL (postgres.js) and on embedded PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Driver = "postgres" | "pglite";

interface Handle {
  db: Db;
  /** The delivery path's connections (see DELIVERY_PATH_SETTINGS); the same handle as `db` on PGlite. */
  deliveryDb: Db;
  driver: Driver;
  close: () => Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations before the handle is returned (idempotent). */
  migrate?: boolean;
  databaseUrl?: string;
  pgliteDataDir?: string;
}

const MIGRATIONS_FOLDER = path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");
// Any fixed number works: it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 727_001;

/** Opens a database handle: postgres.js when a URL is given, else PGlite in a folder (or `memory://`). */
export async function openDatabase(options: OpenOptions = {}): Promise<Handle> {
  const url = options.databaseUrl ?? env.databaseUrl;
  const handle = url ? await openPostgres(url) : await openPglite(options.pgliteDataDir ?? env.pgliteDataDir);
  try {
    if (options.migrate) await runMigrations(handle, url);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  return handle;
}

/**
 * The delivery path's busiest statements (publish, load an attempt, record attempts) run on connections of their own,
 * half of DATABASE_POOL_MAX, whose plans are made once and kept. They run hundreds of times a second, and on the
 * app's other connections (below) PostgreSQL plans every execution: planning was about 30% of its time on this
 * path, the foreign-key checks of the rows they insert included (those are planned with their statement's
 * connection's settings too).
 *
 * A plan kept for a connection's life must not depend on how big the tables were when it was made: a fresh database,
 * a new day's partition, a queue that was empty (see `preparing` for the plan that did, and the claim's below). So
 * these connections allow nested loops over index scans only, and every statement written for them bounds each
 * table it joins by the keys at hand (`t.id = any(array(select ... from x))`): whichever side of a join the planner
 * starts from, it reads only those rows. The claim stays on the other connections: a kept plan of it once walked the
 * whole due index as the outer side of a join (726 ms a claim). Without prepared statements
 * (DATABASE_PREPARED_STATEMENTS=0) nothing is kept, and these connections plan each execution like the others.
 */
export const DELIVERY_PATH_SETTINGS = {
  enable_seqscan: "off",
  enable_bitmapscan: "off",
  enable_hashjoin: "off",
  enable_mergejoin: "off",
  // A plan that had to take a disabled path (a catalog query at connect, say) carries a huge cost estimate, which
  // would otherwise have PostgreSQL compile it to machine code on every execution: 400 ms each time.
  jit: "off",
} as const;

async function openPostgres(url: string): Promise<Handle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const prepare = env.databasePreparedStatements;
  const deliveryMax = Math.ceil(env.databasePoolMax / 2);
  const options = { onnotice: () => undefined, connect_timeout: 10 } as const;
  const client = postgres(url, {
    ...options,
    max: Math.max(1, env.databasePoolMax - deliveryMax),
    // A prepared statement is still planned for its parameters at every execution, as an unprepared one is (see
    // `preparing`).
    ...(prepare ? { connection: { plan_cache_mode: "force_custom_plan" } } : {}),
  });
  const deliveryClient = postgres(url, {
    ...options,
    max: deliveryMax,
    // Without prepared statements nothing is kept, and nothing is sent: a pooler in transaction mode (the reason to
    // turn them off) may refuse startup parameters it does not know.
    ...(prepare ? { connection: { ...DELIVERY_PATH_SETTINGS, plan_cache_mode: "force_generic_plan" } } : {}),
  });
  const wrap = (c: Sql) => (prepare ? preparing(reservedTransactions(c)) : reservedTransactions(c));
  const db = drizzle(wrap(client), { schema }) as unknown as Db;
  const deliveryDb = drizzle(wrap(deliveryClient), { schema }) as unknown as Db;
  return {
    db,
    deliveryDb,
    driver: "postgres",
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), deliveryClient.end({ timeout: 5 })]);
    },
  };
}

/**
 * Transactions run on a connection taken idle from the pool (`reserve()`), with BEGIN, COMMIT or ROLLBACK and
 * savepoints sent on it, instead of through postgres.js's `begin()`. Under load, postgres.js 3.4.9 (the latest) can
 * write a transaction's BEGIN onto a busy connection without reserving it, when that write fills the connection's
 * pipeline or meets back-pressure: the call fails with UNSAFE_TRANSACTION although the server has opened the
 * transaction, and the connection goes back to the pool with it open, so that other requests' statements run
 * inside it. Seen here as one of 120 Send test event clicks at once failing so (each takes a rate-limit slot in a
 * transaction). A reserved connection is idle when taken and no one else's statement is queued on it. Exported for
 * its test (db/transactions.int.test.ts), which reproduces the driver's fault and shows this way free of it.
 */
export function reservedTransactions(client: Sql): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== "begin") return Reflect.get(target, property, receiver);
      return async (...params: unknown[]) => {
        const callback = params.pop() as (sql: Sql) => unknown;
        const options = typeof params[0] === "string" ? params[0].replace(/[^a-z ]/gi, "") : "";
        const connection = await target.reserve();
        let open = false;
        try {
          await connection.unsafe(`begin ${options}`);
          open = true;
          const result = await callback(withSavepoints(connection));
          open = false;
          await connection.unsafe("commit");
          return result;
        } catch (error) {
          // A failed statement leaves the transaction aborted: end it before the connection goes back to the pool.
          // (A failed COMMIT has ended it already; a broken connection is closed by postgres.js.)
          if (open) await connection.unsafe("rollback").catch(() => undefined);
          throw error;
        } finally {
          connection.release();
        }
      };
    },
  });
}

/** A reserved connection in a transaction, with `savepoint(callback)` for nested transactions, as `begin()` gives. */
function withSavepoints(connection: Sql): Sql {
  let count = 0;
  const scoped: Sql = new Proxy(connection, {
    get(target, property, receiver) {
      if (property !== "savepoint") return Reflect.get(target, property, receiver);
      return async (...params: unknown[]) => {
        const callback = params.pop() as (sql: Sql) => unknown;
        count += 1;
        const name = `s${count}`;
        await target.unsafe(`savepoint ${name}`);
        try {
          const result = await callback(scoped);
          await target.unsafe(`release savepoint ${name}`);
          return result;
        } catch (error) {
          await target.unsafe(`rollback to savepoint ${name}`).catch(() => undefined);
          throw error;
        }
      };
    },
  });
  return scoped;
}

/**
 * drizzle sends every query through postgres.js unprepared, and postgres.js then asks the server to describe a
 * query with parameters before it binds them: two round trips, and the text parsed twice, for every statement.
 * Through this wrapper a query with parameters is prepared on its connection the first time and only bound and
 * executed after that (one round trip, no parsing). Transactions and savepoints get the same client; a query without
 * parameters is left to postgres.js (it sends those in one round trip anyway), and postgres.js re-prepares a
 * statement a schema change invalidated.
 *
 * The connections plan every execution for its parameters (`plan_cache_mode = force_custom_plan`): PostgreSQL's
 * generic plans, cached for a connection's life, were built while a table (a new day's attempts partition, a fresh
 * database) was small, and a hash join over sequential scans that was right for a thousand attempts was kept for a
 * hundred thousand: `bench:delivery`'s backlog drained 30% slower with them (587 and 619 deliveries/s against 798
 * and 898 unprepared, and 1,115 and 860 with custom plans), although the run without a backlog was 5-10% faster.
 * Measured in the README (*Ordered delivery and per-endpoint concurrency across processes*).
 */
function preparing(client: Sql): Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, args: unknown[] = [], options: Record<string, unknown> = {}) =>
          target.unsafe(query, args as never, args.length > 0 ? { ...options, prepare: true } : options);
      }
      // Both hand their callback the transaction's own client: it gets the same wrapper.
      if (property === "begin" || property === "savepoint") {
        const original = Reflect.get(target, property, receiver) as (...a: unknown[]) => unknown;
        return (...params: unknown[]) => {
          const callback = params.pop() as (sql: Sql) => unknown;
          return original.apply(target, [...params, (sql: Sql) => callback(preparing(sql))]);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

async function openPglite(dataDir: string): Promise<Handle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (dataDir !== "memory://") mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  // One connection: the delivery path shares it.
  return { db, deliveryDb: db, driver: "pglite", close: () => client.close() };
}

async function runMigrations(handle: Handle, url: string | undefined): Promise<void> {
  const started = Date.now();
  if (handle.driver === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    // drizzle's migrator has no lock of its own: several app processes starting together on one PostgreSQL would
    // race. One connection holds a session-level advisory lock while it migrates; the others wait, then find
    // nothing pending.
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const client = postgres(url as string, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
    try {
      await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    } finally {
      await client.end({ timeout: 5 });
    }
  }
  // Day partitions of delivery_attempts for today and the days ahead (db/partitions.ts); the retention scheduler
  // repeats this hourly, so a process that runs for weeks keeps them ahead too.
  const { ensureAttemptPartitions } = await import("./partitions");
  await ensureAttemptPartitions(handle.db);
  logger.debug("database migrations applied", { driver: handle.driver, ms: Date.now() - started });
}

// Kept on globalThis so that dev hot-reload and Next's separate module graphs (instrumentation, routes, proxy)
// share one connection pool and, above all, never open the same PGlite folder twice.
const globalStore = globalThis as typeof globalThis & { __heraldDb?: Promise<Handle> };

function appHandle(): Promise<Handle> {
  globalStore.__heraldDb ??= openDatabase({ migrate: true })
    .then((handle) => {
      logger.info("database ready", {
        driver: handle.driver,
        location: handle.driver === "pglite" ? env.pgliteDataDir : "DATABASE_URL",
      });
      return handle;
    })
    .catch((error: unknown) => {
      globalStore.__heraldDb = undefined;
      throw error;
    });
  return globalStore.__heraldDb;
}

/** The app's database, opened lazily on first use with pending migrations applied (demo data is start-up's job). */
export async function getDb(): Promise<Db> {
  return (await appHandle()).db;
}

/**
 * The delivery path's database: the same tables through connections that keep one plan per statement (see
 * DELIVERY_PATH_SETTINGS). Only for statements written for it: each bounds every table it joins by the keys at hand.
 */
export async function getDeliveryDb(): Promise<Db> {
  return (await appHandle()).deliveryDb;
}

export async function getDriver(): Promise<Driver> {
  return (await appHandle()).driver;
}

/** Closes the app's database (tests and scripts; the server keeps it open for its lifetime). */
export async function closeDb(): Promise<void> {
  const pending = globalStore.__heraldDb;
  globalStore.__heraldDb = undefined;
  if (pending) await (await pending).close();
}

export { rowsOf } from "./rows";

/** Round-trips to the database within `timeoutMs`; false when it is down or too slow. */
export async function pingDatabase(timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = (async () => {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return true as const;
  })();
  try {
    return await Promise.race([ping, timeout]);
  } catch (error) {
    logger.warn("database ping failed", { error });
    return false;
  } finally {
    clearTimeout(timer);
    ping.catch(() => undefined);
  }
}

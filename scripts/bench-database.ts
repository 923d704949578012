import postgres from "postgres";

/**
 * A fresh database beside DATABASE_URL's for one benchmark run, and the environment the app needs to use it (set
 * before any app module is imported). `drop()` removes it afterwards.
 */
export async function createBenchDatabase(prefix: string, extraEnv: Record<string, string> = {}) {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("Set DATABASE_URL to a PostgreSQL server (a database is created and dropped there).");
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  // BENCH_DB_LOCALE=en_US.UTF-8 (say): the database gets that collation instead of the server's default, to measure
  // what a linguistic collation costs. The name goes into the statement, so it is checked first.
  const locale = process.env.BENCH_DB_LOCALE;
  if (locale !== undefined && !/^[\w.@-]+$/.test(locale)) throw new Error(`BENCH_DB_LOCALE is not a locale name: ${locale}`);
  await admin.unsafe(`create database "${name}"${locale ? ` template template0 lc_collate '${locale}' lc_ctype '${locale}'` : ""}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  Object.assign(process.env, {
    DATABASE_URL: url.toString(),
    SEED_DEMO: "1",
    LOG_LEVEL: "error",
    AUTH_SECRET: "bench-only-secret-0123456789abcdefghijklmnop",
    APP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    ...extraEnv,
  });
  return {
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`).catch(() => undefined);
      await admin.end();
    },
  };
}

import { randomBytes } from "node:crypto";
import postgres from "postgres";

/**
 * Gives this test file a PostgreSQL database of its own, for tests whose background work must not be picked up by
 * another file's engine: integration test files share one database, and every embedded engine claims any due run
 * there (an engine in a process without SMTP_URL would take this file's email runs). Call it at the top of the file,
 * before anything imports lib/env.ts; it points DATABASE_URL at a fresh database on the same server. With PGlite
 * (no DATABASE_URL) each file has its own in-memory database already, and this does nothing.
 */
export async function createIsolatedDatabase(label: string): Promise<{ drop: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (!base) return { drop: async () => undefined };
  const url = new URL(base);
  const name = `${url.pathname.slice(1)}_${label.replace(/[^a-z0-9]/gi, "").toLowerCase()}_${randomBytes(3).toString("hex")}`.slice(0, 63);
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  return {
    drop: async () => {
      const cleanup = postgres(base, { max: 1, onnotice: () => undefined });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

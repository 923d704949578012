/**
 * Gives the Playwright server a fresh database before it starts: drops and re-creates the database DATABASE_URL
 * names (PostgreSQL), or removes the PGlite folder. The server then migrates and seeds it on start.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import postgres from "postgres";

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = path.resolve(process.env.PGLITE_DATA_DIR ?? ".data/e2e-pglite");
    if (!dir.includes(`${path.sep}.data${path.sep}`)) throw new Error(`refusing to delete ${dir}: not under .data/`);
    await rm(dir, { recursive: true, force: true });
    console.log(`e2e database: fresh PGlite in ${dir}`);
    return;
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ""));
  if (!/^[a-zA-Z0-9_]+_e2e$/.test(name)) throw new Error(`refusing to recreate "${name}": e2e databases end in _e2e`);
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const sql = postgres(maintenance.toString(), { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`drop database if exists "${name}" with (force)`);
    await sql.unsafe(`create database "${name}"`);
  } finally {
    await sql.end();
  }
  console.log(`e2e database: fresh PostgreSQL database ${name}`);
}

main().catch((error: unknown) => {
  console.error(`e2e-prepare failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

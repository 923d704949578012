/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the PGlite folder when it is unset.
 * The app does the same on start; this is for deploy pipelines that migrate before starting. With PGlite, stop
 * the app first: one PGlite folder must never be open in two processes.
 */
import { openDatabase } from "@/db";

async function main() {
  const started = Date.now();
  const handle = await openDatabase({ migrate: true });
  await handle.close();
  console.log(`migrations applied (${handle.driver}) in ${Date.now() - started} ms`);
}

main().catch((error: unknown) => {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

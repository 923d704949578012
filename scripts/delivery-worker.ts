/**
 * `npm run worker`: a delivery worker without the web server. It runs the embedded engine against DATABASE_URL
 * (PostgreSQL: several workers and app processes may share it) until SIGTERM or SIGINT; then attempts in flight get
 * DELIVERY_DRAIN_MS to finish, runs still executing are handed back to other processes, and it exits (a second
 * signal exits at once). Useful to scale delivery apart from the portal, and used by the crash tests.
 */
import { closeDb, getDb } from "@/db";
import { verifyEncryptionKey } from "@/lib/encryption-keys/check";
import { env } from "@/lib/env";
import { startDeliveryEngine, stopOnSignals } from "@/lib/startup/engine";

async function main() {
  if (!env.databaseUrl) {
    console.error("The worker needs DATABASE_URL: a PGlite folder can only be open in one process (the app's).");
    process.exit(1);
  }
  // The same key check as the web server: a worker with another key would fail every delivery it signs.
  await verifyEncryptionKey(await getDb());
  const engine = await startDeliveryEngine();
  if (!engine) {
    console.error("The embedded engine is not in use here (Inngest is configured, or DELIVERY_WORKER=0).");
    process.exit(1);
  }
  console.log(`worker ready ${engine.owner}`);
  stopOnSignals(async (signal) => {
    await closeDb().catch(() => undefined);
    process.exit(signal === "SIGINT" ? 130 : 0);
  });
}

main().catch((error: unknown) => {
  console.error(`worker failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

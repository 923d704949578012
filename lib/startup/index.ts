import { getDb } from "@/db";
import { verifyEncryptionKey } from "@/lib/encryption-keys/check";
import { assertRuntimeConfig, env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { installPeerStamp } from "@/lib/net/client-address";
import { startDeliveryEngine, stopOnSignals } from "./engine";
import { seedDemoData } from "./seed";

/**
 * Opens the app's database (pending migrations are applied on open), checks that the configured encryption key is
 * the one its secrets were written with (recorded at the first start), and, where asked (outside production, or
 * SEED_DEMO=1), seeds the demo accounts into an empty database. Start-up's job, not the database handle's: the data
 * layer knows nothing of demo data.
 */
export async function prepareDatabase(): Promise<void> {
  const db = await getDb();
  await verifyEncryptionKey(db);
  if (env.seedDemo) await seedDemoData(db);
}

/**
 * Server start-up: check the configuration (a production server without AUTH_SECRET stops here with a message
 * saying what to set), prepare the database, and start the embedded delivery engine. A failure stops the process: a
 * half-started portal would only fail later, less clearly.
 */
export async function startServer(): Promise<void> {
  try {
    assertRuntimeConfig();
    // Before the first request is handled: sign-in throttling keys on the socket's address (TRUSTED_PROXY_HOPS=0).
    installPeerStamp();
    await prepareDatabase();
    // `npm start` sets NEXT_MANUAL_SIG_HANDLE=1, so this is the only SIGTERM/SIGINT handler: deliveries in flight drain
    // for DELIVERY_DRAIN_MS, the rest are handed back, then the process exits. Under a bare `next start`, Next.js's own
    // handler exits within milliseconds (once its HTTP server has closed) and cuts the drain short; those runs are
    // taken over when their lease ends.
    if (await startDeliveryEngine()) stopOnSignals((signal) => process.exit(signal === "SIGINT" ? 130 : 143));
  } catch (error) {
    logger.error("Herald could not start", { error });
    process.stderr.write(`\n[herald] ${error instanceof Error ? error.message : String(error)}\n\n`);
    process.exit(1);
  }
}

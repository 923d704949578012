import { getDb } from "@/db";
import { assertRuntimeConfig } from "@/lib/env";
import { logger } from "@/lib/logger";
import { startDeliveryEngine } from "@/lib/webhooks/engine";

/**
 * Server start-up: check the configuration (a production server without AUTH_SECRET stops here with a message
 * saying what to set), then open the database, which applies pending migrations and, where asked, seeds the demo
 * accounts, and starts the embedded delivery engine. A failure stops the process: a half-started portal would only fail later, less clearly.
 */
export async function startServer(): Promise<void> {
  try {
    assertRuntimeConfig();
    await getDb();
    await startDeliveryEngine();
  } catch (error) {
    logger.error("Herald could not start", { error });
    process.stderr.write(`\n[herald] ${error instanceof Error ? error.message : String(error)}\n\n`);
    process.exit(1);
  }
}

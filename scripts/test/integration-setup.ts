import { inject } from "vitest";

// Runs in each test worker before the test file is imported, so lib/env.ts parses these values.
const databaseUrl = inject("databaseUrl");
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DATA_DIR = "memory://";
}
process.env.SEED_DEMO = "1";
process.env.LOG_LEVEL = "warn";
process.env.AUTH_SECRET ??= "integration-tests-only-secret-0123456789abcdef";
process.env.APP_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
// Delivery tests retry fast.
process.env.WEBHOOK_RETRY_BASE_MS ??= "40";
// Files share one database: a partition change in a test must not give up behind another file's slow statement
// (db/partition-locks.int.test.ts tests the production timeout on a database of its own).
process.env.PARTITION_LOCK_TIMEOUT_MS ??= "10000";
// Polling tests read what they just wrote; the settle margin has its own test.
process.env.POLL_SETTLE_MS ??= "0";


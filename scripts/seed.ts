/**
 * `npm run db:seed`: migrates, then seeds the demo organizations and accounts if the database has no organization.
 * Running it is the explicit request production needs; the app itself seeds only outside production or with
 * SEED_DEMO=1.
 */
import { openDatabase } from "@/db";
import { seedDemoData } from "@/lib/startup/seed";

async function main() {
  const handle = await openDatabase({ migrate: true });
  try {
    const { seeded } = await seedDemoData(handle.db);
    console.log(seeded ? "demo data seeded" : "the database already has organizations: nothing seeded");
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(`seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

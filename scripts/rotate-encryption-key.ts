/**
 * `npm run keys:rotate`: re-encrypts every stored secret (endpoint signing secrets, previous secrets in their
 * overlap, custom header values) from the current key to NEW_APP_ENCRYPTION_KEY, in one transaction, and records
 * the new key's check value. The current key is the one the app would use: APP_ENCRYPTION_KEY, or in development the
 * generated key in DATA_DIR/encryption-key (which then receives the new key, so development keeps working).
 *
 * Stop every app process and worker first: one still running with the old key would write new secrets under it
 * (and a PGlite folder must never be open in two processes).
 */
import { writeFileSync } from "node:fs";
import { openDatabase } from "@/db";
import { configuredKey } from "@/lib/encryption-keys/check";
import { rotateEncryptionKey } from "@/lib/encryption-keys/rotate";
import { env } from "@/lib/env";

async function main() {
  if (!env.newEncryptionKey) {
    console.error(
      "Set NEW_APP_ENCRYPTION_KEY to the new key (generate one with `openssl rand -base64 32`), and APP_ENCRYPTION_KEY " +
        "to the current one (in development, the generated key in .data/encryption-key is used when it is unset).",
    );
    process.exit(1);
  }
  const from = configuredKey();
  const to = { key: Buffer.from(env.newEncryptionKey, "base64"), file: from.file };
  const handle = await openDatabase({ migrate: true });
  try {
    const result = await rotateEncryptionKey(handle.db, from, to);
    console.log(
      `Re-encrypted ${result.values} secret value(s) of ${result.endpoints} endpoint(s): key ${result.fromKeyId} -> ${result.toKeyId}.`,
    );
  } finally {
    await handle.close();
  }
  if (from.file) {
    // The database now needs the new key; the development key file follows it so that `npm run dev` still starts.
    try {
      writeFileSync(from.file, `${env.newEncryptionKey}\n`, { mode: 0o600 });
      console.log(`${from.file} now holds the new key.`);
    } catch (error) {
      console.error(
        `The secrets are now under the new key, but ${from.file} could not be updated (${String(error)}): ` +
          "start the app with APP_ENCRYPTION_KEY set to the new key.",
      );
      process.exit(1);
    }
  } else {
    console.log("Start the app with APP_ENCRYPTION_KEY set to the new key (NEW_APP_ENCRYPTION_KEY's value).");
  }
}

main().catch((error: unknown) => {
  console.error(`keys:rotate failed, nothing was changed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "@/db";
import { encryptionKeyCheck, webhookEndpoints } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto";
import { devEncryptionKeyFileName, env } from "@/lib/env";

/**
 * The key check: which key the stored secrets were encrypted with, kept as an HMAC of a fixed label under that key
 * (the `encryption_key_check` row). A server started with another key would answer 500 on every endpoint page and
 * fail every delivery with "unable to authenticate data"; this check makes it refuse to start instead, and say
 * where the right key is.
 */

const LABEL = "herald/encryption-key-check/v1";

/** A key and where it came from: `file` for the generated development key, undefined for APP_ENCRYPTION_KEY. */
export interface KeyInUse {
  key: Buffer;
  file?: string;
}

export class EncryptionKeyMismatchError extends Error {
  override name = "EncryptionKeyMismatchError";
}

/** The key this process is configured with (APP_ENCRYPTION_KEY, or the development key file). */
export function configuredKey(): KeyInUse {
  if (!env.encryptionKey) throw new Error("APP_ENCRYPTION_KEY is not set");
  return { key: Buffer.from(env.encryptionKey, "base64"), file: env.encryptionKeyFile };
}

export function keyCheckValue(key: Buffer): string {
  return createHmac("sha256", key).update(LABEL).digest("base64url");
}

/** A short name for a key, safe to print: the start of its check value. */
export function keyId(key: Buffer): string {
  return keyCheckValue(key).slice(0, 8);
}

export function keyMatches(checkValue: string, key: Buffer): boolean {
  const expected = Buffer.from(keyCheckValue(key));
  const stored = Buffer.from(checkValue);
  return stored.length === expected.length && timingSafeEqual(stored, expected);
}

function describeKey(current: KeyInUse): string {
  return current.file ? `the development key in ${current.file} (APP_ENCRYPTION_KEY is unset)` : "APP_ENCRYPTION_KEY";
}

function readKeyFile(file: string): Buffer | undefined {
  try {
    const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64");
    return key.length === 32 ? key : undefined;
  } catch {
    return undefined;
  }
}

interface Recorded {
  /** The stored check value; undefined when the database predates the check (a stored secret was tried instead). */
  checkValue?: string;
  keyFile?: string | null;
}

/**
 * Says which key the data needs and how to go on: the key file that holds it when one is found (the file recorded
 * with the data, or this DATA_DIR's development key), else the variable it was set in.
 */
export function mismatchMessage(current: KeyInUse, recorded: Recorded, matches: (key: Buffer) => boolean): string {
  const ids = recorded.checkValue
    ? ` (the data's key has id ${recorded.checkValue.slice(0, 8)}, this one ${keyId(current.key)})`
    : "";
  const head =
    `The stored secrets (endpoint signing secrets and header values) were encrypted with another key than ` +
    `${describeKey(current)}${ids}. Starting anyway would fail on every endpoint and delivery ("unable to authenticate data").`;
  const candidates = [...new Set([recorded.keyFile, path.join(env.dataDir, devEncryptionKeyFileName)])].filter(
    (file): file is string => Boolean(file) && file !== current.file,
  );
  const found = candidates.find((file) => {
    const key = readKeyFile(file);
    return key !== undefined && matches(key);
  });
  const rotate = "NEW_APP_ENCRYPTION_KEY=<the new key> npm run keys:rotate";
  if (found) {
    return (
      `${head} They were written with the key in ${found}. Either start with that key: ` +
      `APP_ENCRYPTION_KEY="$(cat ${found})", or re-encrypt them with a new key (server stopped): ` +
      `APP_ENCRYPTION_KEY="$(cat ${found})" ${rotate}. See README.md, "Encryption key and rotation".`
    );
  }
  if (recorded.keyFile) {
    return (
      `${head} They were written with the development key generated in ${recorded.keyFile}, which no longer holds ` +
      `it. Put that key back (from a backup of the file) and start with APP_ENCRYPTION_KEY="$(cat <that file>)"; to ` +
      `move to a new key afterwards: ${rotate}. See README.md, "Encryption key and rotation".`
    );
  }
  return (
    `${head} They were written with the key APP_ENCRYPTION_KEY held when this database was first used (or last ` +
    `rotated). Set APP_ENCRYPTION_KEY back to that key; to move to a new key afterwards (server stopped): ` +
    `${rotate} with APP_ENCRYPTION_KEY still set to the old one. See README.md, "Encryption key and rotation".`
  );
}

function decrypts(stored: string, key: Buffer): boolean {
  try {
    decryptSecret(stored, key);
    return true;
  } catch {
    return false;
  }
}

/**
 * Start-up check: the configured key must be the one the stored secrets were written with. The first start records
 * it; a database that predates the check is tested on one stored secret before its key is recorded. Throws
 * EncryptionKeyMismatchError with what to do when the key is another one.
 */
export async function verifyEncryptionKey(db: Db, current: KeyInUse = configuredKey()): Promise<"verified" | "recorded"> {
  const [row] = await db.select().from(encryptionKeyCheck).where(eq(encryptionKeyCheck.id, 1));
  if (row) {
    if (keyMatches(row.checkValue, current.key)) return "verified";
    throw new EncryptionKeyMismatchError(mismatchMessage(current, row, (key) => keyMatches(row.checkValue, key)));
  }
  const [sample] = await db
    .select({ secret: webhookEndpoints.secretEncrypted })
    .from(webhookEndpoints)
    .limit(1);
  if (sample && !decrypts(sample.secret, current.key)) {
    throw new EncryptionKeyMismatchError(mismatchMessage(current, {}, (key) => decrypts(sample.secret, key)));
  }
  await db
    .insert(encryptionKeyCheck)
    .values({ id: 1, checkValue: keyCheckValue(current.key), keyFile: current.file ?? null })
    .onConflictDoNothing();
  // Another process starting at the same time may have recorded its own key first: the row decides.
  const [stored] = await db.select().from(encryptionKeyCheck).where(eq(encryptionKeyCheck.id, 1));
  if (!stored || !keyMatches(stored.checkValue, current.key)) {
    throw new EncryptionKeyMismatchError(
      mismatchMessage(current, stored ?? {}, (key) => (stored ? keyMatches(stored.checkValue, key) : false)),
    );
  }
  return "recorded";
}

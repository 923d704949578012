import { asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { encryptionKeyCheck, webhookEndpoints, type StoredHeader } from "@/db/schema";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { EncryptionKeyMismatchError, keyCheckValue, keyId, keyMatches, mismatchMessage, type KeyInUse } from "./check";

/**
 * Every column that holds values encrypted with the app's key. A new encrypted column must be added here and to
 * `rotateEncryptionKey`; rotate.test.ts fails when a schema column named `*_encrypted` is missing from this list.
 */
export const ROTATED_COLUMNS = [
  "webhook_endpoints.secret_encrypted",
  "webhook_endpoints.previous_secret_encrypted",
  "webhook_endpoints.headers",
] as const;

const BATCH = 500;

export interface RotationResult {
  endpoints: number;
  values: number;
  fromKeyId: string;
  toKeyId: string;
}

/**
 * Re-encrypts every stored secret from one key to another in one transaction, then records the new key's check
 * value: either everything is under the new key, or (on any error) nothing changed. Run it with every app process
 * stopped: a process still running with the old key would write new secrets under it.
 */
export async function rotateEncryptionKey(db: Db, from: KeyInUse, to: KeyInUse): Promise<RotationResult> {
  if (from.key.equals(to.key)) throw new Error("The new key is the current key: nothing to rotate.");
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(encryptionKeyCheck).where(eq(encryptionKeyCheck.id, 1)).for("update");
    if (row && !keyMatches(row.checkValue, from.key)) {
      throw new EncryptionKeyMismatchError(
        `Cannot rotate from this key. ${mismatchMessage(from, row, (key) => keyMatches(row.checkValue, key))}`,
      );
    }
    // Writers wait until the rotation commits: nothing can be written under the old key in between.
    await tx.execute(sql`lock table ${webhookEndpoints} in share row exclusive mode`);
    let values = 0;
    let endpoints = 0;
    let after = "";
    const reencrypt = (id: string, what: string, stored: string) => {
      let plaintext: string;
      try {
        plaintext = decryptSecret(stored, from.key);
      } catch {
        throw new EncryptionKeyMismatchError(
          `Endpoint ${id}: its ${what} does not decrypt with the current key, so nothing was changed. ` +
            "Set APP_ENCRYPTION_KEY to the key the data was written with.",
        );
      }
      values += 1;
      return encryptSecret(plaintext, to.key);
    };
    for (;;) {
      const rows = await tx
        .select({
          id: webhookEndpoints.id,
          secretEncrypted: webhookEndpoints.secretEncrypted,
          previousSecretEncrypted: webhookEndpoints.previousSecretEncrypted,
          headers: webhookEndpoints.headers,
        })
        .from(webhookEndpoints)
        .where(gt(webhookEndpoints.id, after))
        .orderBy(asc(webhookEndpoints.id))
        .limit(BATCH);
      for (const endpoint of rows) {
        const headers: StoredHeader[] = endpoint.headers.map((h) => ({
          ...h,
          valueEncrypted: reencrypt(endpoint.id, `header ${h.name}`, h.valueEncrypted),
        }));
        await tx
          .update(webhookEndpoints)
          .set({
            secretEncrypted: reencrypt(endpoint.id, "signing secret", endpoint.secretEncrypted),
            previousSecretEncrypted: endpoint.previousSecretEncrypted
              ? reencrypt(endpoint.id, "previous signing secret", endpoint.previousSecretEncrypted)
              : null,
            headers,
          })
          .where(eq(webhookEndpoints.id, endpoint.id));
        endpoints += 1;
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
    const record = { checkValue: keyCheckValue(to.key), keyFile: to.file ?? null, rotatedAt: new Date() };
    await tx
      .insert(encryptionKeyCheck)
      .values({ id: 1, ...record })
      .onConflictDoUpdate({ target: encryptionKeyCheck.id, set: record });
    return { endpoints, values, fromKeyId: keyId(from.key), toKeyId: keyId(to.key) };
  });
}

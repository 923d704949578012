import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row: which key the stored secrets are encrypted with (a key check value, never the key). Written at the first
 * start, checked at every start (lib/encryption-keys/check.ts), replaced by `npm run keys:rotate`. A server started
 * with another key refuses to start instead of failing on every secret it reads.
 */
export const encryptionKeyCheck = pgTable(
  "encryption_key_check",
  {
    id: integer("id").primaryKey().default(1),
    /** HMAC-SHA256 of a fixed label under the key, base64url: equal for the same key, and reveals nothing of it. */
    checkValue: text("check_value").notNull(),
    /** The file the key was read from (the generated development key); null: the APP_ENCRYPTION_KEY variable. */
    keyFile: text("key_file"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp("rotated_at", { withTimezone: true }),
  },
  (t) => [check("encryption_key_check_one_row", sql`${t.id} = 1`)],
);

export type EncryptionKeyCheckRow = typeof encryptionKeyCheck.$inferSelect;

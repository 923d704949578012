import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/**
 * Secrets at rest (signing secrets, custom header values): AES-256-GCM with a random 96-bit IV per value, stored as
 * `v1.<iv>.<tag>.<ciphertext>` in base64url. The version prefix leaves room for a key rotation scheme later.
 */
const VERSION = "v1";

function key(): Buffer {
  if (!env.encryptionKey) throw new Error("APP_ENCRYPTION_KEY is not set");
  return Buffer.from(env.encryptionKey, "base64");
}

export function encryptSecret(plaintext: string, keyOverride?: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOverride ?? key(), iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

/** Throws when the value was tampered with or encrypted under another key: never returns garbage. */
export function decryptSecret(stored: string, keyOverride?: Buffer): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("unrecognised encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", keyOverride ?? key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

const DECRYPTED_CACHE_SIZE = 5_000;
const decrypted = new Map<string, string>();

/**
 * decryptSecret for the delivery path, which decrypts the same endpoint's secret and headers for every attempt: a
 * stored value (its own random IV, so a rotated secret is a new value) is decrypted once and kept, for the last
 * DECRYPTED_CACHE_SIZE values used. AES-GCM and its key setup were 5% of the process's time under load.
 */
export function decryptSecretCached(stored: string): string {
  const hit = decrypted.get(stored);
  if (hit !== undefined) {
    // Most recently used last, so the oldest is the first to go.
    decrypted.delete(stored);
    decrypted.set(stored, hit);
    return hit;
  }
  const value = decryptSecret(stored);
  decrypted.set(stored, value);
  if (decrypted.size > DECRYPTED_CACHE_SIZE) decrypted.delete(decrypted.keys().next().value as string);
  return value;
}

/** "ab••••••••": the first two characters, then dots, so a partner recognises a value without seeing it. */
export function maskSecret(value: string): string {
  return `${value.slice(0, 2)}${"•".repeat(8)}`;
}

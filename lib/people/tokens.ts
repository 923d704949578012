import { createHash, randomBytes } from "node:crypto";
import { env } from "@/lib/env";

/** How long each kind of link works. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;
export const EMAIL_CHANGE_TTL_MS = 24 * 60 * 60 * 1000;

/** What a link's token looks like: 32 random bytes, base64url (43 characters). Anything else is not a token. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new single-use token and the SHA-256 that is stored in its place. 256 random bits need no slow hash: the stored
 * value is useless to anyone who reads the database, and a lookup by hash is one index probe.
 */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** An absolute link into the portal, for emails (APP_URL, or the development server's address). */
export function portalLink(path: string): string {
  return `${env.email.appUrl}${path}`;
}

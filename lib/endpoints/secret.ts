import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";

export const SECRET_PREFIX = "whsec_";
/** An ed25519 private key (Standard Webhooks `v1a`): `whsk_` + base64 of the 32-byte seed. Herald keeps it. */
export const SIGNING_KEY_PREFIX = "whsk_";
/** An ed25519 public key: `whpk_` + base64 of the 32 raw bytes. Partners verify with it; it is not a secret. */
export const PUBLIC_KEY_PREFIX = "whpk_";
/** After a rotation the previous secret keeps signing, next to the new one, for this long. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** How an endpoint signs: `v1` HMAC-SHA256 with a shared `whsec_` secret, or `v1a` ed25519 with a `whsk_` key. */
export const SIGNATURE_SCHEMES = ["v1", "v1a"] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

/** A fresh ed25519 private key, `whsk_...`. */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const seed = Buffer.from(privateKey.export({ format: "jwk" }).d!, "base64url");
  return `${SIGNING_KEY_PREFIX}${seed.toString("base64")}`;
}

/** A new credential for a scheme: a `whsec_` secret for v1, a `whsk_` private key for v1a. */
export function generateCredential(scheme: SignatureScheme): string {
  return scheme === "v1a" ? generateSigningKey() : generateSigningSecret();
}

/** Which scheme a stored credential signs with, read from its prefix. */
export function schemeOf(credential: string): SignatureScheme {
  return credential.startsWith(SIGNING_KEY_PREFIX) ? "v1a" : "v1";
}

/** The HMAC key inside a secret: the base64-decoded part after `whsec_`. */
export function signingKeyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

// PKCS#8 wrapping of a raw ed25519 seed (RFC 8410): a fixed 16-byte header, then the 32 bytes.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** The private key object of a `whsk_` key. Throws on anything that is not 32 bytes of seed. */
export function privateKeyOf(signingKey: string): KeyObject {
  const seed = Buffer.from(signingKey.slice(SIGNING_KEY_PREFIX.length), "base64");
  if (!signingKey.startsWith(SIGNING_KEY_PREFIX) || seed.length !== 32) throw new Error("not a whsk_ ed25519 key");
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** The `whpk_` public key that goes with a `whsk_` private key. */
export function publicKeyOf(signingKey: string): string {
  const raw = Buffer.from(createPublicKey(privateKeyOf(signingKey)).export({ format: "jwk" }).x!, "base64url");
  return `${PUBLIC_KEY_PREFIX}${raw.toString("base64")}`;
}

import { createHmac, sign } from "node:crypto";
import { privateKeyOf, schemeOf, signingKeyOf } from "@/lib/endpoints/secret";

/**
 * Standard Webhooks signature of `${id}.${timestamp}.${body}`, one entry per signing credential, space-separated:
 * - a `whsec_` secret gives `v1,` + base64 HMAC-SHA256, keyed with the base64-decoded part of the secret;
 * - a `whsk_` ed25519 private key gives `v1a,` + base64 of the 64-byte ed25519 signature.
 * Several credentials (a rotation, or a switch between the two schemes) give several entries, current first.
 */
export function standardSignature(credentials: readonly string[], id: string, timestampSeconds: number, body: string): string {
  const content = Buffer.from(`${id}.${timestampSeconds}.${body}`, "utf8");
  return credentials.map((credential) => signatureEntry(credential, content)).join(" ");
}

function signatureEntry(credential: string, content: Buffer): string {
  if (schemeOf(credential) === "v1a") return `v1a,${sign(null, content, privateKeyOf(credential)).toString("base64")}`;
  return `v1,${createHmac("sha256", signingKeyOf(credential)).update(content).digest("base64")}`;
}

/**
 * The brand header (`X-<Brand>-Signature`): hex HMAC-SHA256 of the body alone, one per `whsec_` secret,
 * comma-separated, current secret first. Outside a rotation that is a single value; during a rotation's overlap
 * receivers still holding the previous secret find its signature in the list, as they do in `webhook-signature`.
 *
 * ed25519 (`whsk_`) keys add nothing here: the header exists for receivers that hold a shared secret, and a
 * body-only signature without a timestamp is exactly what v1a endpoints move away from. An endpoint that signs with
 * ed25519 alone therefore sends no brand header ("" from here); while it switches from a secret, the secret's value
 * is still sent.
 */
export function bodySignaturesHex(credentials: readonly string[], body: string): string {
  return credentials
    .filter((credential) => schemeOf(credential) === "v1")
    .map((secret) => createHmac("sha256", signingKeyOf(secret)).update(body).digest("hex"))
    .join(",");
}

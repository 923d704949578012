import { createHmac } from "node:crypto";
import { signingKeyOf } from "@/lib/endpoints/secret";

/**
 * Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`, keyed with the
 * base64-decoded part of the `whsec_` secret. Several secrets (during a rotation) give space-separated signatures.
 */
export function standardSignature(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac("sha256", signingKeyOf(secret)).update(content).digest("base64")}`).join(" ");
}

/**
 * The brand header (`X-<Brand>-Signature`): hex HMAC-SHA256 of the body alone, one per signing secret,
 * comma-separated, current secret first. Outside a rotation that is a single value; during a rotation's overlap
 * receivers still holding the previous secret find its signature in the list, as they do in `webhook-signature`.
 */
export function bodySignaturesHex(secrets: readonly string[], body: string): string {
  return secrets.map((secret) => createHmac("sha256", signingKeyOf(secret)).update(body).digest("hex")).join(",");
}

import { createHash } from "node:crypto";
import { publicKeyOf, SECRET_PREFIX, SIGNING_KEY_PREFIX } from "@/lib/endpoints/secret";
import { bodySignaturesHex, standardSignature } from "./sign";

/**
 * Signature test vectors: fixed inputs and the exact headers Herald sends for them, so a receiver's author can check
 * their verification code against known answers (the Standard Webhooks project publishes none). Built here from the
 * same signing code deliveries use; `npm run vectors` writes them to lib/delivery/signature-test-vectors.json, which
 * is committed and served at GET /api/v1/signature-test-vectors.json. Every input is derived from fixed labels, so a
 * rebuild gives the same file byte for byte (ed25519 signatures are deterministic too).
 */

export type VectorKey =
  | { scheme: "v1"; secret: string }
  | { scheme: "v1a"; secretKey: string; publicKey: string };

export interface SignatureTestVector {
  name: string;
  /** `webhook-id` */
  id: string;
  /** `webhook-timestamp` (seconds since the epoch) */
  timestamp: number;
  /** The raw request body, exactly as sent (UTF-8). */
  body: string;
  /** The credentials that sign, current first: a `whsec_` secret (v1) or a `whsk_`/`whpk_` ed25519 pair (v1a). */
  keys: VectorKey[];
  /** The expected `webhook-signature` header: one entry per key, in the same order, space-separated. */
  webhookSignature: string;
  /** The expected `X-<Brand>-Signature` header (hex HMAC of the body per v1 secret, comma-separated); null: not sent. */
  brandSignature: string | null;
}

export interface SignatureTestVectors {
  description: string;
  rules: Record<string, string>;
  vectors: SignatureTestVector[];
}

/** 32 bytes named by a label: reproducible key material, never used outside these vectors. */
const bytesFor = (label: string, length = 32) => {
  let out = Buffer.alloc(0);
  for (let i = 0; out.length < length; i += 1) out = Buffer.concat([out, createHash("sha256").update(`herald vectors ${label} ${i}`).digest()]);
  return out.subarray(0, length);
};
const secret = (label: string, length = 32): VectorKey => ({ scheme: "v1", secret: `${SECRET_PREFIX}${bytesFor(label, length).toString("base64")}` });
const keyPair = (label: string): VectorKey => {
  const secretKey = `${SIGNING_KEY_PREFIX}${bytesFor(label).toString("base64")}`;
  return { scheme: "v1a", secretKey, publicKey: publicKeyOf(secretKey) };
};
const credentialOf = (key: VectorKey) => (key.scheme === "v1" ? key.secret : key.secretKey);

/** The Standard Webhooks specification's own example secret (its libraries' tests use it). */
const REFERENCE_SECRET: VectorKey = { scheme: "v1", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" };

const ENVELOPE = JSON.stringify({
  id: "evt_3k9f2m1q8x7v6b5n4c3z2a1s",
  type: "credential.revoked",
  createdAt: "2026-11-22T10:15:00.000Z",
  data: { credentialId: "CRD-ZBUYQMTA", badgeId: "BDG-CLOUD-ARCH", recipientEmail: "jane.doe@example.com", reason: "Issued in error" },
});

const UNICODE_BODY = JSON.stringify({
  name: "Zoë Ångström-Łukasiewicz",
  city: "東京都",
  greeting: "مرحبا",
  emoji: "🚀🔐👩🏽‍💻",
  combining: "e\u0301 vs \u00e9",
  escapes: "tab\tquote\"backslash\\",
  rtlOverride: "\u202eevil",
});

/** About 64 KB of JSON with multi-byte characters, so byte and character counts differ. */
const LARGE_BODY = JSON.stringify({
  id: "evt_large0000000000000000",
  type: "bulk_issuance.completed",
  items: Array.from({ length: 900 }, (_, i) => ({ n: i, email: `recipient-${i}@example.com`, note: "ok ✓ — naïve café" })),
});

/** Every vector: the reference one first, then each body, timestamp, id and key combination worth a check. */
export function buildSignatureTestVectors(): SignatureTestVectors {
  const v1a = keyPair("ed25519 A");
  const v1aNext = keyPair("ed25519 B");
  const inputs: Omit<SignatureTestVector, "webhookSignature" | "brandSignature">[] = [
    {
      name: "the Standard Webhooks specification's example (v1)",
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      keys: [REFERENCE_SECRET],
    },
    { name: "a Herald event envelope (v1)", id: "evt_3k9f2m1q8x7v6b5n4c3z2a1s", timestamp: 1795000000, body: ENVELOPE, keys: [secret("A")] },
    { name: "an empty body (v1)", id: "msg_empty", timestamp: 1795000001, body: "", keys: [secret("B")] },
    { name: "a Unicode body: accents, CJK, RTL, emoji, combining marks (v1)", id: "evt_unicode00000000000000", timestamp: 1795000002, body: UNICODE_BODY, keys: [secret("C")] },
    { name: "whitespace and a trailing newline are part of the body (v1)", id: "msg_whitespace", timestamp: 1795000003, body: ' { "a" : 1 }\r\n', keys: [secret("A")] },
    { name: "a 24-byte secret, the shortest the specification allows (v1)", id: "msg_short_secret", timestamp: 1795000004, body: ENVELOPE, keys: [secret("short", 24)] },
    { name: "a 64-byte secret (v1)", id: "msg_long_secret", timestamp: 1795000005, body: ENVELOPE, keys: [secret("long", 64)] },
    { name: "timestamp 0 and a long id with dots and dashes (v1)", id: `msg_${"a1.b2-c3_".repeat(20)}`, timestamp: 0, body: ENVELOPE, keys: [secret("A")] },
    { name: "a timestamp past 2038 (v1)", id: "msg_future", timestamp: 4102444800, body: ENVELOPE, keys: [secret("A")] },
    { name: "secret rotation: new and previous secret (v1 v1)", id: "evt_rotation0000000000000", timestamp: 1795000006, body: ENVELOPE, keys: [secret("D"), secret("A")] },
    { name: "a Herald event envelope (v1a)", id: "evt_3k9f2m1q8x7v6b5n4c3z2a1s", timestamp: 1795000000, body: ENVELOPE, keys: [v1a] },
    { name: "an empty body (v1a)", id: "msg_empty", timestamp: 1795000001, body: "", keys: [v1a] },
    { name: "a Unicode body (v1a)", id: "evt_unicode00000000000000", timestamp: 1795000002, body: UNICODE_BODY, keys: [v1a] },
    { name: "key rotation: new and previous ed25519 key (v1a v1a)", id: "evt_rotation0000000000000", timestamp: 1795000006, body: ENVELOPE, keys: [v1aNext, v1a] },
    { name: "switching from a secret to ed25519: the new key and the previous secret (v1a v1)", id: "evt_switch00000000000000a", timestamp: 1795000007, body: ENVELOPE, keys: [v1a, secret("A")] },
    { name: "switching from ed25519 to a secret: the new secret and the previous key (v1 v1a)", id: "evt_switch00000000000000b", timestamp: 1795000008, body: UNICODE_BODY, keys: [secret("E"), v1a] },
    { name: "a 64 KB body, during a switch (v1a v1)", id: "evt_large0000000000000000", timestamp: 1795000009, body: LARGE_BODY, keys: [v1aNext, secret("A")] },
  ];
  return {
    description:
      "Herald's webhook signature test vectors. For each input (webhook-id, webhook-timestamp, raw body, signing keys), the exact webhook-signature and X-<Brand>-Signature headers Herald sends. Check a receiver's verification code against them.",
    rules: {
      v1: "base64(HMAC-SHA256(key = base64decode(secret without whsec_), message = UTF-8 of `${webhook-id}.${webhook-timestamp}.${body}`)), sent as `v1,<signature>`.",
      v1a: "base64(ed25519 signature of the same message), sent as `v1a,<signature>`. whsk_ is base64 of the 32-byte private seed (Herald keeps it), whpk_ base64 of the 32-byte public key (receivers verify with it).",
      webhookSignature: "One entry per signing key, current first, space-separated (a rotation or a switch between v1 and v1a sends two).",
      brandSignature: `hex(HMAC-SHA256(same key, body alone)) per v1 secret, comma-separated, current first; the header name is X-<Brand>-Signature (X-Herald-Signature by default). Not sent (null here) when the endpoint signs with ed25519 alone. It carries no timestamp: prefer webhook-signature.`,
      timestamps: "Receivers must also refuse a webhook-timestamp more than 5 minutes from their clock; these vectors' timestamps are fixed, so check them with your clock set to each vector's timestamp, or check the signature step alone.",
    },
    vectors: inputs.map((input) => {
      const credentials = input.keys.map(credentialOf);
      const brand = bodySignaturesHex(credentials, input.body);
      return {
        ...input,
        webhookSignature: standardSignature(credentials, input.id, input.timestamp, input.body),
        brandSignature: brand === "" ? null : brand,
      };
    }),
  };
}

/** The file's text exactly as committed: two-space JSON and a final newline. */
export function signatureTestVectorsText(): string {
  return `${JSON.stringify(buildSignatureTestVectors(), null, 2)}\n`;
}

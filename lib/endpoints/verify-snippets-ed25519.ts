import type { VerifySnippet } from "./verify-snippets";

/**
 * Receiver-side verification of ed25519 signatures (Standard Webhooks `v1a`), for endpoints that sign
 * asymmetrically: the receiver holds only the endpoint's `whpk_` public key (base64 of the 32 raw bytes), which is
 * not a secret. `webhook-signature` carries `v1a,<base64 of the 64-byte signature>` of
 * `${webhook-id}.${webhook-timestamp}.${raw body}`; during a key rotation or a switch between v1 and v1a it carries
 * one entry per key, space-separated, and a request is genuine when any `v1a` entry verifies.
 * Each snippet uses its language's standard (or most used) library: node:crypto, `cryptography`, crypto/ed25519.
 */
export function ed25519VerifySnippets(): VerifySnippet[] {
  return [
    {
      id: "node",
      label: "Node.js",
      code: `import crypto from "node:crypto";

// publicKey: the endpoint's whpk_... public key (from the endpoint page; not a secret).
// headers: the request's headers with lower-case names (as Node gives them).
// rawBody: the request body exactly as received (a string), before any JSON parsing.
export function verifyHerald(publicKey, headers, rawBody) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  if (!id || !/^\\d+$/.test(timestamp ?? "")) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) return false; // replay window
  const x = Buffer.from(publicKey.replace(/^whpk_/, ""), "base64").toString("base64url");
  const key = crypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  const signed = Buffer.from(\`\${id}.\${timestamp}.\${rawBody}\`);
  return (headers["webhook-signature"] ?? "").split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1a" && given.length === 64 && crypto.verify(null, signed, key, given);
  });
}`,
    },
    {
      id: "python",
      label: "Python",
      code: `import base64, binascii, time
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# public_key: the endpoint's whpk_... public key (from the endpoint page; not a secret).
# headers: the request's headers with lower-case names.
# raw_body: the request body exactly as received (bytes), before any JSON parsing.
def verify_herald(public_key: str, headers: dict, raw_body: bytes) -> bool:
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    if not msg_id or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > 5 * 60:  # replay window
        return False
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key.removeprefix("whpk_")))
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    for entry in headers.get("webhook-signature", "").split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1a":
            continue
        try:
            key.verify(base64.b64decode(signature, validate=True), signed)
            return True
        except (InvalidSignature, binascii.Error, ValueError):
            continue
    return False`,
    },
    {
      id: "go",
      label: "Go",
      code: `package webhooks

import (
	"crypto/ed25519"
	"encoding/base64"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VerifyHerald checks a request's ed25519 (v1a) signature with the endpoint's whpk_... public key (not a secret);
// rawBody is the body exactly as received.
func VerifyHerald(publicKey string, h http.Header, rawBody []byte) bool {
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sent, err := strconv.ParseInt(ts, 10, 64)
	if id == "" || err != nil || math.Abs(float64(time.Now().Unix()-sent)) > 5*60 { // replay window
		return false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(publicKey, "whpk_"))
	if err != nil || len(key) != ed25519.PublicKeySize {
		return false
	}
	signed := append([]byte(id+"."+ts+"."), rawBody...)
	for _, entry := range strings.Split(h.Get("webhook-signature"), " ") {
		version, sig, _ := strings.Cut(entry, ",")
		given, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1a" && err == nil && ed25519.Verify(ed25519.PublicKey(key), signed, given) {
			return true
		}
	}
	return false
}`,
    },
  ];
}

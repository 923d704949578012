/**
 * Receiver-side verification of both signatures Herald sends:
 * - `webhook-signature` (Standard Webhooks): HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}`,
 *   keyed with the base64-decoded part of the `whsec_` secret, sent as `v1,<base64>` (several, space-separated,
 *   during a secret rotation);
 * - `X-<Brand>-Signature`: hex HMAC-SHA256 of the raw body with the same key (several, comma-separated, during a
 *   secret rotation).
 * The brand names the header (WEBHOOK_BRAND), so the snippets are built for it. Each snippet also shows how to
 * recognise a test event (`X-<Brand>-Test: true`, `"test": true` in the envelope).
 */
export interface VerifySnippet {
  id: "node" | "python" | "go";
  label: string;
  code: string;
}

export function verifySnippets(brand: string): VerifySnippet[] {
  const header = `X-${brand}-Signature`;
  const lower = header.toLowerCase();
  const testHeader = `X-${brand}-Test`;
  return [
    {
      id: "node",
      label: "Node.js",
      code: `import crypto from "node:crypto";

// headers: the request's headers with lower-case names (as Node gives them).
// rawBody: the request body exactly as received (a string), before any JSON parsing.
export function verifyHerald(secret, headers, rawBody) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"] ?? "";
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 5 * 60) return false; // replay window
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = crypto.createHmac("sha256", key).update(\`\${id}.\${timestamp}.\${rawBody}\`).digest();
  return signatures.split(" ").some((entry) => {
    const [version, signature] = entry.split(",");
    const given = Buffer.from(signature ?? "", "base64");
    return version === "v1" && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}

// ${header}: hex HMAC-SHA256 of the body alone, one value per secret (comma-separated during a rotation).
// It carries no timestamp: prefer verifyHerald, which also refuses replays.
export function verifyHeraldBodySignature(secret, headers, rawBody) {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = crypto.createHmac("sha256", key).update(rawBody).digest();
  return (headers["${lower}"] ?? "").split(",").some((value) => {
    const given = Buffer.from(value.trim(), "hex");
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}

// Test events (Send test event) carry ${testHeader}: true and "test": true in the body; real events carry neither.
export function isHeraldTestEvent(headers, event) {
  return headers["${testHeader.toLowerCase()}"] === "true" || event.test === true;
}`,
    },
    {
      id: "python",
      label: "Python",
      code: `import base64, hashlib, hmac, time

# headers: the request's headers with lower-case names.
# raw_body: the request body exactly as received (bytes), before any JSON parsing.
def verify_herald(secret: str, headers: dict, raw_body: bytes) -> bool:
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > 5 * 60:  # replay window
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for entry in headers.get("webhook-signature", "").split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False

# ${header}: hex HMAC-SHA256 of the body alone, one value per secret (comma-separated during a rotation).
# It carries no timestamp: prefer verify_herald, which also refuses replays.
def verify_herald_body_signature(secret: str, headers: dict, raw_body: bytes) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, raw_body, hashlib.sha256).hexdigest()
    values = headers.get("${lower}", "").split(",")
    return any(hmac.compare_digest(value.strip(), expected) for value in values)

# Test events (Send test event) carry ${testHeader}: true and "test": true in the body; real events carry neither.
def is_herald_test_event(headers: dict, event: dict) -> bool:
    return headers.get("${testHeader.toLowerCase()}") == "true" or event.get("test") is True`,
    },
    {
      id: "go",
      label: "Go",
      code: `package webhooks

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// VerifyHerald checks a request's signature; rawBody is the body exactly as received.
func VerifyHerald(secret string, h http.Header, rawBody []byte) bool {
	id, ts := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sent, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || math.Abs(float64(time.Now().Unix()-sent)) > 5*60 { // replay window
		return false
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(rawBody)
	expected := mac.Sum(nil)
	for _, entry := range strings.Split(h.Get("webhook-signature"), " ") {
		version, sig, _ := strings.Cut(entry, ",")
		given, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1" && err == nil && hmac.Equal(given, expected) {
			return true
		}
	}
	return false
}

// VerifyHeraldBodySignature checks ${header}: hex HMAC-SHA256 of the body alone, one value per secret
// (comma-separated during a rotation). It carries no timestamp: prefer VerifyHerald, which also refuses replays.
func VerifyHeraldBodySignature(secret string, h http.Header, rawBody []byte) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write(rawBody)
	expected := mac.Sum(nil)
	for _, value := range strings.Split(h.Get("${header}"), ",") {
		given, err := hex.DecodeString(strings.TrimSpace(value))
		if err == nil && hmac.Equal(given, expected) {
			return true
		}
	}
	return false
}

// IsHeraldTestEvent reports a test event (Send test event): it carries ${testHeader}: true, and "test": true in
// the body; real events carry neither.
func IsHeraldTestEvent(h http.Header) bool {
	return h.Get("${testHeader}") == "true"
}`,
    },
  ];
}

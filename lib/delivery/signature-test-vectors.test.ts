import { createHmac, createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/v1/signature-test-vectors.json/route";
import { publicKeyOf } from "@/lib/endpoints/secret";
import { signatureTestVectorsText, type SignatureTestVectors } from "./signature-test-vectors";

const FILE = path.join(__dirname, "signature-test-vectors.json");
const committedText = readFileSync(FILE, "utf8");
const committed = JSON.parse(committedText) as SignatureTestVectors;

/** A receiver's view of a public key: only the whpk_ string, through node:crypto (no Herald code). */
const publicKeyObject = (whpk: string) =>
  createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(whpk.replace(/^whpk_/, ""), "base64").toString("base64url") }, format: "jwk" });

afterEach(() => {
  vi.useRealTimers();
});

describe("signature test vectors", () => {
  it("cover empty, Unicode and large bodies, rotations, both schemes and a switch between them", () => {
    const bodies = committed.vectors.map((v) => v.body);
    expect(bodies).toContain("");
    expect(bodies.some((b) => /[^\u0000-\u007f]/.test(b) && /\p{Extended_Pictographic}/u.test(b))).toBe(true);
    expect(Math.max(...bodies.map((b) => Buffer.byteLength(b)))).toBeGreaterThan(64 * 1024);
    const schemes = committed.vectors.map((v) => v.keys.map((k) => k.scheme).join(" "));
    for (const combination of ["v1", "v1 v1", "v1a", "v1a v1a", "v1a v1", "v1 v1a"]) expect(schemes).toContain(combination);
    expect(new Set(committed.vectors.map((v) => v.timestamp)).size).toBeGreaterThan(5);
    expect(committed.vectors.length).toBeGreaterThanOrEqual(15);
  });

  it("match the signing code: the committed file is exactly what `npm run vectors` writes", () => {
    expect(committedText).toBe(signatureTestVectorsText());
  });

  it("every v1 signature verifies with the standardwebhooks reference library, and a changed body does not", () => {
    let checked = 0;
    for (const vector of committed.vectors) {
      const entries = vector.webhookSignature.split(" ");
      expect(entries).toHaveLength(vector.keys.length);
      vector.keys.forEach((key, i) => {
        if (key.scheme !== "v1") return;
        // The library refuses timestamps more than 5 minutes from its clock: set the clock to the vector's.
        vi.useFakeTimers({ now: vector.timestamp * 1000 });
        const webhook = new Webhook(key.secret);
        expect(webhook.sign(vector.id, new Date(vector.timestamp * 1000), vector.body), vector.name).toBe(entries[i]);
        const headers = { "webhook-id": vector.id, "webhook-timestamp": String(vector.timestamp), "webhook-signature": vector.webhookSignature };
        expect(() => webhook.verify(vector.body, headers, { jsonParse: false }), vector.name).not.toThrow();
        expect(() => webhook.verify(`${vector.body} `, headers, { jsonParse: false })).toThrow(WebhookVerificationError);
        vi.useRealTimers();
        checked += 1;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it("every v1a signature verifies with node:crypto and the whpk_ public key alone, and belongs to its whsk_ key", () => {
    let checked = 0;
    for (const vector of committed.vectors) {
      const entries = vector.webhookSignature.split(" ");
      vector.keys.forEach((key, i) => {
        if (key.scheme !== "v1a") return;
        const [version, signature] = entries[i]!.split(",");
        expect(version).toBe("v1a");
        expect(Buffer.from(signature!, "base64")).toHaveLength(64);
        const message = Buffer.from(`${vector.id}.${vector.timestamp}.${vector.body}`, "utf8");
        expect(verify(null, message, publicKeyObject(key.publicKey), Buffer.from(signature!, "base64")), vector.name).toBe(true);
        expect(verify(null, Buffer.concat([message, Buffer.from(" ")]), publicKeyObject(key.publicKey), Buffer.from(signature!, "base64"))).toBe(false);
        expect(publicKeyOf(key.secretKey)).toBe(key.publicKey);
        checked += 1;
      });
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it("every brand header is the hex HMAC of the body per v1 secret, and is absent when only ed25519 signs", () => {
    for (const vector of committed.vectors) {
      const secrets = vector.keys.flatMap((k) => (k.scheme === "v1" ? [k.secret] : []));
      const expected = secrets.map((s) => createHmac("sha256", Buffer.from(s.replace(/^whsec_/, ""), "base64")).update(vector.body).digest("hex"));
      expect(vector.brandSignature, vector.name).toBe(expected.length === 0 ? null : expected.join(","));
    }
  });

  it("is served at GET /api/v1/signature-test-vectors.json byte for byte, cacheable, with a working ETag", async () => {
    const response = GET(new Request("http://herald.test/api/v1/signature-test-vectors.json"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(committedText);
    expect(response.headers.get("cache-control")).toMatch(/public, max-age=\d+/);
    const etag = response.headers.get("etag")!;
    const again = GET(new Request("http://herald.test/api/v1/signature-test-vectors.json", { headers: { "if-none-match": etag } }));
    expect(again.status).toBe(304);
  });
});

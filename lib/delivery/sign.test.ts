import { createHmac, createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateSigningKey, privateKeyOf, publicKeyOf } from "@/lib/endpoints/secret";
import { bodySignaturesHex, standardSignature } from "./sign";

// The reference vector published with the Standard Webhooks specification (and used by its libraries' tests).
const REFERENCE = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

describe("standardSignature", () => {
  it("matches the Standard Webhooks reference vector", () => {
    expect(standardSignature([REFERENCE.secret], REFERENCE.id, REFERENCE.timestamp, REFERENCE.body)).toBe(REFERENCE.signature);
  });

  it("signs with every secret during a rotation, space-separated, current first", () => {
    const other = "whsec_" + Buffer.alloc(32, 1).toString("base64");
    const both = standardSignature([other, REFERENCE.secret], REFERENCE.id, REFERENCE.timestamp, REFERENCE.body);
    const [first, second] = both.split(" ");
    expect(second).toBe(REFERENCE.signature);
    expect(first).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(first).not.toBe(second);
  });

  it("changes with any byte of id, timestamp or body", () => {
    const base = standardSignature([REFERENCE.secret], REFERENCE.id, REFERENCE.timestamp, REFERENCE.body);
    expect(standardSignature([REFERENCE.secret], `${REFERENCE.id}x`, REFERENCE.timestamp, REFERENCE.body)).not.toBe(base);
    expect(standardSignature([REFERENCE.secret], REFERENCE.id, REFERENCE.timestamp + 1, REFERENCE.body)).not.toBe(base);
    expect(standardSignature([REFERENCE.secret], REFERENCE.id, REFERENCE.timestamp, `${REFERENCE.body} `)).not.toBe(base);
  });
});

describe("bodySignaturesHex", () => {
  it("is the hex HMAC-SHA256 of the body with the decoded key", () => {
    const key = Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64");
    expect(bodySignaturesHex([REFERENCE.secret], REFERENCE.body)).toBe(createHmac("sha256", key).update(REFERENCE.body).digest("hex"));
    expect(bodySignaturesHex([REFERENCE.secret], REFERENCE.body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("signs with every secret during a rotation, comma-separated, current first", () => {
    const other = "whsec_" + Buffer.alloc(32, 1).toString("base64");
    const values = bodySignaturesHex([other, REFERENCE.secret], REFERENCE.body).split(",");
    expect(values).toEqual([bodySignaturesHex([other], REFERENCE.body), bodySignaturesHex([REFERENCE.secret], REFERENCE.body)]);
    expect(values[0]).not.toBe(values[1]);
  });
});

describe("ed25519 (v1a) signatures", () => {
  const key = generateSigningKey();
  const publicKey = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKeyOf(key).replace(/^whpk_/, ""), "base64").toString("base64url") },
    format: "jwk",
  });

  it("signs id.timestamp.body with the whsk_ key; the whpk_ public key alone verifies it", () => {
    const [version, signature] = standardSignature([key], REFERENCE.id, REFERENCE.timestamp, REFERENCE.body).split(",");
    expect(version).toBe("v1a");
    const message = Buffer.from(`${REFERENCE.id}.${REFERENCE.timestamp}.${REFERENCE.body}`);
    expect(verify(null, message, publicKey, Buffer.from(signature!, "base64"))).toBe(true);
    expect(verify(null, Buffer.from(`${REFERENCE.id}.${REFERENCE.timestamp + 1}.${REFERENCE.body}`), publicKey, Buffer.from(signature!, "base64"))).toBe(false);
  });

  it("mixes with v1 during a switch, space-separated, current first; the brand header covers the secret only", () => {
    const both = standardSignature([key, REFERENCE.secret], REFERENCE.id, REFERENCE.timestamp, REFERENCE.body).split(" ");
    expect(both[0]).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(both[1]).toBe(REFERENCE.signature);
    expect(bodySignaturesHex([key, REFERENCE.secret], REFERENCE.body)).toBe(bodySignaturesHex([REFERENCE.secret], REFERENCE.body));
    expect(bodySignaturesHex([key], REFERENCE.body)).toBe("");
  });

  it("keys are whsk_ + 32 bytes and whpk_ + 32 bytes, fresh each time", () => {
    expect(key).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(publicKeyOf(key)).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(generateSigningKey()).not.toBe(key);
    expect(() => privateKeyOf("whsk_short")).toThrow();
  });
});

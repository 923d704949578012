import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, decryptSecretCached, encryptSecret, maskSecret } from "./crypto";

const key = randomBytes(32);

describe("secrets at rest", () => {
  it("round-trips unicode and never stores the plaintext", () => {
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw — ünïcode";
    const stored = encryptSecret(secret, key);
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain("whsec_");
    expect(decryptSecret(stored, key)).toBe(secret);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same", key)).not.toBe(encryptSecret("same", key));
  });

  it("refuses a tampered value or another key", () => {
    const stored = encryptSecret("secret", key);
    const parts = stored.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptSecret([parts[0], parts[1], parts[2], body.toString("base64url")].join("."), key)).toThrow();
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow();
    expect(() => decryptSecret("plaintext", key)).toThrow("unrecognised encrypted value");
  });

  it("decrypts the delivery path's values once, and still refuses a tampered one", () => {
    // The app's own key (no override): the cache serves the delivery path, which uses it.
    const first = encryptSecret("whsec_first");
    const rotated = encryptSecret("whsec_rotated");
    expect(decryptSecretCached(first)).toBe("whsec_first");
    expect(decryptSecretCached(first)).toBe("whsec_first");
    expect(decryptSecretCached(rotated)).toBe("whsec_rotated");
    const parts = first.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    expect(() => decryptSecretCached([parts[0], parts[1], parts[2], body.toString("base64url")].join("."))).toThrow();
  });

  it("masks to two characters and dots", () => {
    expect(maskSecret("sk_live_123")).toBe("sk••••••••");
    expect(maskSecret("a")).toBe("a••••••••");
  });
});

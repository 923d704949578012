import { describe, expect, it } from "vitest";
import { bulkFailures } from "./bulk-issuance";
import { newCredentialId } from "./credentials";

describe("newCredentialId", () => {
  it("looks like CRD-ZBUYQMTA, without look-alike characters, and differs each time", () => {
    const ids = Array.from({ length: 500 }, () => newCredentialId());
    for (const id of ids) expect(id).toMatch(/^CRD-[A-HJ-NP-Z2-9]{8}$/);
    expect(new Set(ids).size).toBe(500);
    expect(newCredentialId("BLK")).toMatch(/^BLK-/);
  });
});

describe("bulkFailures", () => {
  it("fails malformed addresses and repeats (case-insensitive), keeping the first occurrence", () => {
    expect(
      bulkFailures([{ email: "a@example.com" }, { email: " A@Example.com " }, { email: "bad" }, { email: "" }, { email: "b@example.com" }]),
    ).toEqual([
      { index: 1, email: "A@Example.com", reason: "Listed twice in this request." },
      { index: 2, email: "bad", reason: "Not a valid email address." },
      { index: 3, email: "", reason: "Not a valid email address." },
    ]);
  });

  it("fails nothing in a clean list", () => {
    expect(bulkFailures([{ email: "a@example.com" }, { email: "b@example.com" }])).toEqual([]);
  });
});

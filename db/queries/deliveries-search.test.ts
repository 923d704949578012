import { describe, expect, it } from "vitest";
import { parseDeliverySearch, prefixPattern } from "./deliveries";

describe("Logs search terms", () => {
  it("searches ids by their beginning, with underscores taken literally", () => {
    expect(parseDeliverySearch("evt_r1rgh")).toEqual({ kind: "event-prefix", pattern: "evt\\_r1rgh%" });
    expect(parseDeliverySearch(" DLV_7K2 ")).toEqual({ kind: "delivery-prefix", pattern: "dlv\\_7k2%" });
    expect(prefixPattern("a%b\\c_d")).toBe("a\\%b\\\\c\\_d%");
  });

  it("looks anything else up in the payload's identifying fields, emails in any case", () => {
    expect(parseDeliverySearch("BDG-CLOUD-ARCH")).toEqual({ kind: "keys", terms: ["BDG-CLOUD-ARCH", "bdg-cloud-arch"] });
    expect(parseDeliverySearch("jane.doe@example.com")).toEqual({ kind: "keys", terms: ["jane.doe@example.com"] });
    // Not an id: "evt_" alone, or with characters ids never hold.
    expect(parseDeliverySearch("evt_").kind).toBe("keys");
    expect(parseDeliverySearch("evt_a-b").kind).toBe("keys");
  });
});

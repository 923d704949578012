import { describe, expect, it } from "vitest";
import { endpointLabel } from "./label";

describe("endpointLabel", () => {
  it("prefers the description", () => {
    expect(endpointLabel({ url: "https://a.example/x", description: "  Production receiver " })).toBe("Production receiver");
  });

  it("tells two URLs of one host apart by the end of their paths", () => {
    const a = endpointLabel({ url: "https://hooks.acme.example/v1/webhooks/herald" });
    const b = endpointLabel({ url: "https://hooks.acme.example/v1/webhooks/staging" });
    expect(a).toBe("hooks.acme.example/…/herald");
    expect(b).toBe("hooks.acme.example/…/staging");
  });

  it("keeps short paths, ports and marks a query", () => {
    expect(endpointLabel({ url: "https://a.example" })).toBe("a.example");
    expect(endpointLabel({ url: "https://a.example:8443/in?token=x" })).toBe("a.example:8443/in?…");
    expect(endpointLabel({ url: "https://[::1]:4000/e2e-path" })).toBe("[::1]:4000/e2e-path");
  });
});

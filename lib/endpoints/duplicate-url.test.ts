import { describe, expect, it } from "vitest";
import { sameEndpointUrl } from "./duplicate-url";

describe("sameEndpointUrl", () => {
  it("treats case of scheme and host, a default port and a trailing slash as the same receiver", () => {
    expect(sameEndpointUrl("https://api.example.com/hooks", "https://api.example.com/hooks")).toBe(true);
    expect(sameEndpointUrl("https://API.Example.com/hooks", "https://api.example.com/hooks")).toBe(true);
    expect(sameEndpointUrl("https://api.example.com:443/hooks", "https://api.example.com/hooks")).toBe(true);
    expect(sameEndpointUrl("https://api.example.com/hooks/", "https://api.example.com/hooks")).toBe(true);
    expect(sameEndpointUrl("https://api.example.com/hooks/?a=1", "https://api.example.com/hooks?a=1")).toBe(true);
    expect(sameEndpointUrl("https://api.example.com/", "https://api.example.com")).toBe(true);
  });

  it("tells apart another path, query, port or host", () => {
    expect(sameEndpointUrl("https://api.example.com/hooks", "https://api.example.com/Hooks")).toBe(false);
    expect(sameEndpointUrl("https://api.example.com/hooks?a=1", "https://api.example.com/hooks?a=2")).toBe(false);
    expect(sameEndpointUrl("https://api.example.com:8443/hooks", "https://api.example.com/hooks")).toBe(false);
    expect(sameEndpointUrl("https://a.example.com/hooks", "https://b.example.com/hooks")).toBe(false);
  });
});

import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { clientAddressFrom, installPeerStamp, normalizeAddress, PEER_HEADER, peerStamp } from "./client-address";

const headers = (init: Record<string, string>) => new Headers(init);

describe("normalizeAddress", () => {
  it("keeps IPv4 and IPv6 addresses, without ports or brackets, IPv4-mapped IPv6 as IPv4", () => {
    expect(normalizeAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeAddress(" 203.0.113.7:51234 ")).toBe("203.0.113.7");
    expect(normalizeAddress("2001:DB8::1")).toBe("2001:db8::1");
    expect(normalizeAddress("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(normalizeAddress("[::1]")).toBe("::1");
    expect(normalizeAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
  });

  it("answers unknown for anything that is not an address (nothing a client writes is stored as it is)", () => {
    for (const bad of [undefined, "", "unknown", "a".repeat(500), "203.0.113.7, 10.0.0.1", "999.1.1.1", "<script>", "_hidden"]) {
      expect(normalizeAddress(bad)).toBe("unknown");
    }
  });
});

describe("clientAddressFrom", () => {
  const peer = (address: string) => ({ [PEER_HEADER]: peerStamp(address) });

  it("with no trusted proxy (the default) takes the socket's peer and ignores X-Forwarded-For and X-Real-IP", () => {
    const spoofed = headers({ ...peer("192.0.2.10"), "x-forwarded-for": "203.0.113.7", "x-real-ip": "198.51.100.2" });
    expect(clientAddressFrom(spoofed, 0)).toBe("192.0.2.10");
  });

  it("ignores a peer header that does not carry this process's stamp (one a client sent itself)", () => {
    expect(clientAddressFrom(headers({ [PEER_HEADER]: "192.0.2.10" }), 0)).toBe("unknown");
    expect(clientAddressFrom(headers({ [PEER_HEADER]: "0123456789abcdef0123456789abcdef 192.0.2.10" }), 0)).toBe("unknown");
    expect(clientAddressFrom(headers({ "x-forwarded-for": "203.0.113.7" }), 0)).toBe("unknown");
  });

  it("with N trusted proxies takes the Nth X-Forwarded-For entry from the right: what the client prepends is ignored", () => {
    // The client sent "X-Forwarded-For: 203.0.113.7"; proxy 1 appended the client's real address, proxy 2 proxy 1's.
    const xff = headers({ ...peer("10.0.0.2"), "x-forwarded-for": "203.0.113.7, 198.51.100.9, 10.0.0.1" });
    expect(clientAddressFrom(xff, 1)).toBe("10.0.0.1");
    expect(clientAddressFrom(xff, 2)).toBe("198.51.100.9");
    expect(clientAddressFrom(xff, 3)).toBe("203.0.113.7");
  });

  it("a list shorter than the hops yields its leftmost entry; no list at all, the peer", () => {
    expect(clientAddressFrom(headers({ "x-forwarded-for": "198.51.100.9" }), 2)).toBe("198.51.100.9");
    expect(clientAddressFrom(headers({ ...peer("192.0.2.10") }), 1)).toBe("192.0.2.10");
    expect(clientAddressFrom(headers({ ...peer("192.0.2.10"), "x-forwarded-for": " , " }), 1)).toBe("192.0.2.10");
  });

  it("normalises the entry it takes", () => {
    expect(clientAddressFrom(headers({ "x-forwarded-for": "203.0.113.7, [2001:db8::5]:8443" }), 1)).toBe("2001:db8::5");
    expect(clientAddressFrom(headers({ "x-forwarded-for": "203.0.113.7, not-an-ip" }), 1)).toBe("unknown");
  });
});

describe("installPeerStamp", () => {
  it("stamps each request with its socket address, replacing a peer header the client sent", async () => {
    installPeerStamp();
    installPeerStamp(); // twice is the same as once
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(clientAddressFrom(new Headers(req.headers as Record<string, string>), 0));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sends: Record<string, string>[] = [{}, { [PEER_HEADER]: "203.0.113.7" }, { [PEER_HEADER]: peerStamp("203.0.113.7") }, { "x-forwarded-for": "203.0.113.7" }];
      for (const sent of sends) {
        const res = await fetch(`http://127.0.0.1:${port}/`, { headers: sent });
        await res.arrayBuffer();
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1"]);
  });
});

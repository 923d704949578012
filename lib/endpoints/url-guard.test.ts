import { describe, expect, it } from "vitest";
import { checkEndpointUrl, classifyIp, isIpLiteral, MAX_URL_LENGTH } from "./url-guard";

function messageFor(input: string): string {
  const result = checkEndpointUrl(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused, got ${result.url}`);
  return result.message;
}

const PUBLIC_ADVICE = "Herald only delivers to public addresses";

describe("checkEndpointUrl: refused input", () => {
  const longUrl = `https://example.com/${"a".repeat(MAX_URL_LENGTH + 1 - "https://example.com/".length)}`;

  it.each([
    ["", "Enter the endpoint URL."],
    ["   ", "Enter the endpoint URL."],
    [longUrl, "too long. Use at most 2,048 characters"],
    ["not a url", "That is not a valid URL. It should look like https://example.com/webhooks."],
    ["example.com/hook", "That is not a valid URL"],
    ["https://", "That is not a valid URL"],
    ["https://exa mple.com/", "That is not a valid URL"],
    ["https://[::1/", "That is not a valid URL"],
    ["https://example.com/\nhook", "control character"],
    ["https://exa\tmple.com/", "control character"],
    ["http://example.com/", "Use an https:// URL: Herald only delivers over TLS."],
    ["HTTP://example.com/", "Use an https:// URL"],
    ["ftp://example.com/", "Use an https:// URL"],
    ["ws://example.com/", "Use an https:// URL"],
    ["javascript:alert(1)", "Use an https:// URL"],
    ["data:text/plain,hi", "Use an https:// URL"],
    ["file:///etc/passwd", "Use an https:// URL"],
    ["https://user:pass@example.com/", "Remove the user:password part"],
    ["https://user@example.com/", "Remove the user:password part"],
    ["https://:pass@example.com/", "Remove the user:password part"],
    ["https://example.com/#frag", "Remove the #fragment"],
    ["https://example.com/#", "Remove the #fragment"],
    ["https://example.com#", "Remove the #fragment"],
    ["https://localhost/", "localhost points at the machine Herald runs on"],
    ["https://localhost:8443/hook", "localhost points at the machine Herald runs on"],
    ["https://LOCALHOST./", "localhost. points at the machine Herald runs on"],
    ["https://api.localhost/", "api.localhost points at the machine Herald runs on"],
    ["https://a.b.LocalHost/", "a.b.localhost points at the machine Herald runs on"],
    ["https://intranet/", "intranet is not a public host name. Use a fully qualified name"],
    ["https://intranet./", "is not a public host name"],
    ["https://com/", "com is not a public host name"],
  ])("refuses %j", (input, expected) => {
    expect(messageFor(input)).toContain(expected);
  });

  it("refuses a URL that only grows past the limit when normalised", () => {
    // Each "ü" is one character typed but six ("%C3%BC") once percent-encoded.
    const input = `https://example.com/${"ü".repeat(400)}`;
    expect(input.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
    expect(messageFor(input)).toContain("too long");
  });

  it("refuses host names over DNS limits: a label over 63 characters, a name over 253", () => {
    expect(checkEndpointUrl(`https://${"a".repeat(64)}.example.com/h`)).toMatchObject({ ok: false, message: expect.stringContaining("63") });
    expect(checkEndpointUrl(`https://${"a".repeat(63)}.example.com/h`).ok).toBe(true);
    const long = Array.from({ length: 5 }, () => "b".repeat(60)).join(".");
    expect(checkEndpointUrl(`https://${long}.com/h`)).toMatchObject({ ok: false, message: expect.stringContaining("253") });
  });

  it("accepts a URL of exactly the maximum length", () => {
    const input = `https://example.com/${"a".repeat(MAX_URL_LENGTH - "https://example.com/".length)}`;
    expect(input).toHaveLength(MAX_URL_LENGTH);
    expect(checkEndpointUrl(input)).toEqual({ ok: true, url: input });
  });
});

describe("checkEndpointUrl: refused IP addresses", () => {
  it.each([
    // Odd IPv4 spellings the URL parser normalises to 127.0.0.1.
    ["https://2130706433/", "127.0.0.1 is a loopback address."],
    ["https://0x7f.1/", "127.0.0.1 is a loopback address."],
    ["https://0177.0.0.1/", "127.0.0.1 is a loopback address."],
    ["https://127.1/", "127.0.0.1 is a loopback address."],
    ["https://127.0.0.1./", "127.0.0.1 is a loopback address."],
    ["https://127.255.255.254:8443/hook", "127.255.255.254 is a loopback address."],
    ["https://0.0.0.0/", '0.0.0.0 is an unspecified ("this network") address.'],
    ["https://0.1.2.3/", "0.1.2.3 is an unspecified"],
    ["https://10.1.2.3/", "10.1.2.3 is a private address."],
    ["https://172.16.0.1/", "172.16.0.1 is a private address."],
    ["https://172.31.255.255/", "172.31.255.255 is a private address."],
    ["https://192.168.1.1/", "192.168.1.1 is a private address."],
    ["https://100.64.0.1/", "100.64.0.1 is a shared address space (CGNAT) address."],
    ["https://100.127.255.255/", "is a shared address space (CGNAT) address."],
    ["https://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address."],
    ["https://192.0.0.8/", "192.0.0.8 is a reserved address (IETF protocol assignments)."],
    ["https://192.0.2.10/", "192.0.2.10 is a documentation (test) address."],
    ["https://198.51.100.7/", "198.51.100.7 is a documentation (test) address."],
    ["https://203.0.113.99/", "203.0.113.99 is a documentation (test) address."],
    ["https://192.88.99.1/", "192.88.99.1 is a reserved address (retired 6to4 relay anycast)."],
    ["https://198.18.0.1/", "198.18.0.1 is a benchmarking address."],
    ["https://198.19.255.255/", "198.19.255.255 is a benchmarking address."],
    ["https://224.0.0.1/", "224.0.0.1 is a multicast address."],
    ["https://239.255.255.250/", "239.255.255.250 is a multicast address."],
    ["https://240.0.0.1/", "240.0.0.1 is a reserved address."],
    ["https://255.255.255.255/", "255.255.255.255 is a broadcast address."],
    ["https://[::]/", ":: is an unspecified address."],
    ["https://[::1]/", "::1 is a loopback address."],
    ["https://[0:0:0:0:0:0:0:1]/", "::1 is a loopback address."],
    ["https://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is an IPv4-mapped address for 127.0.0.1, which is a loopback address."],
    ["https://[::ffff:7f00:1]/", "::ffff:7f00:1 is an IPv4-mapped address for 127.0.0.1, which is a loopback address."],
    ["https://[::ffff:a9fe:a9fe]/", "IPv4-mapped address for 169.254.169.254, which is a link-local address."],
    ["https://[::ffff:8.8.8.8]/", "::ffff:808:808 is an IPv4-mapped address for 8.8.8.8. Write the IPv4 address directly: https://8.8.8.8/."],
    ["https://[::127.0.0.1]/", "::7f00:1 is a deprecated IPv4-compatible address (embedding 127.0.0.1)."],
    ["https://[::8.8.8.8]/", "a deprecated IPv4-compatible address (embedding 8.8.8.8)"],
    ["https://[64:ff9b::a00:1]/", "64:ff9b::a00:1 is a NAT64 address embedding 10.0.0.1, which is a private address."],
    ["https://[64:ff9b::127.0.0.1]/", "a NAT64 address embedding 127.0.0.1, which is a loopback address."],
    ["https://[64:ff9b:1::a00:1]/", "a local-use NAT64 address embedding 10.0.0.1, which is a private address."],
    ["https://[64:ff9b:1::808:808]/", "a local-use NAT64 address, which is not reachable from the internet."],
    ["https://[2002:7f00:1::]/", "2002:7f00:1:: is a 6to4 address embedding 127.0.0.1, which is a loopback address."],
    ["https://[2002:c0a8:101::1]/", "a 6to4 address embedding 192.168.1.1, which is a private address."],
    ["https://[100::1]/", "100::1 is a discard-only address."],
    ["https://[2001::1]/", "2001::1 is a Teredo tunnelling address."],
    ["https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "is a Teredo tunnelling address."],
    ["https://[2001:2::1]/", "2001:2::1 is a benchmarking address."],
    ["https://[2001:db8::1]/", "2001:db8::1 is a documentation (test) address."],
    ["https://[3fff::1]/", "3fff::1 is a documentation (test) address."],
    ["https://[3fff:fff:ffff::1]/", "is a documentation (test) address."],
    ["https://[fc00::1]/", "fc00::1 is a unique local (private) address."],
    ["https://[fd00::1]/", "fd00::1 is a unique local (private) address."],
    ["https://[fe80::1]/", "fe80::1 is a link-local address."],
    ["https://[febf:ffff::1]/", "is a link-local address."],
    ["https://[fec0::1]/", "fec0::1 is a site-local (deprecated private) address."],
    ["https://[ff02::1]/", "ff02::1 is a multicast address."],
    ["https://[4000::1]/", "4000::1 is a reserved address (outside the global unicast range 2000::/3)."],
  ])("refuses %s", (input, expected) => {
    expect(messageFor(input)).toContain(expected);
  });

  it("tells the partner what to do instead", () => {
    expect(messageFor("https://127.0.0.1/")).toBe(
      "127.0.0.1 is a loopback address. Herald only delivers to public addresses: use your endpoint's public host name or IP.",
    );
    expect(messageFor("https://[::ffff:8.8.8.8]/")).not.toContain(PUBLIC_ADVICE);
  });
});

describe("checkEndpointUrl: accepted URLs", () => {
  it.each([
    ["https://example.com/webhooks", "https://example.com/webhooks"],
    ["  https://example.com/webhooks  ", "https://example.com/webhooks"],
    ["https://example.com", "https://example.com/"],
    ["HTTPS://Hooks.Example.COM/In", "https://hooks.example.com/In"],
    ["https://hooks.example.com:8443/x", "https://hooks.example.com:8443/x"],
    ["https://hooks.example.com:443/x", "https://hooks.example.com/x"],
    ["https://bücher.example/hook", "https://xn--bcher-kva.example/hook"],
    ["https://例え.テスト/hook", "https://xn--r8jz45g.xn--zckzah/hook"],
    ["https://example.com/a/b/c?x=1&y=two", "https://example.com/a/b/c?x=1&y=two"],
    ["https://example.com/path with space", "https://example.com/path%20with%20space"],
    ["https://example.com./hook", "https://example.com./hook"],
    ["https://8.8.8.8/hook", "https://8.8.8.8/hook"],
    ["https://1.1.1.1:8443/", "https://1.1.1.1:8443/"],
    ["https://172.32.0.1/", "https://172.32.0.1/"],
    ["https://100.128.0.1/", "https://100.128.0.1/"],
    ["https://[2606:4700:4700::1111]/hook", "https://[2606:4700:4700::1111]/hook"],
    ["https://[2606:4700:4700:0:0:0:0:1111]/hook", "https://[2606:4700:4700::1111]/hook"],
    ["https://[64:ff9b::808:808]/", "https://[64:ff9b::808:808]/"],
    ["https://[2002:808:808::1]/", "https://[2002:808:808::1]/"],
    ["https://localhost.example.com/", "https://localhost.example.com/"],
    ["https://mylocalhost.com/", "https://mylocalhost.com/"],
  ])("accepts %j", (input, url) => {
    expect(checkEndpointUrl(input)).toEqual({ ok: true, url });
  });
});

describe("classifyIp", () => {
  it.each([
    ["8.8.8.8"],
    ["1.1.1.1"],
    ["223.255.255.255"],
    ["2606:4700:4700::1111"],
    ["2a00:1450:4001:80b::200e"],
    ["64:ff9b::8.8.8.8"],
    ["2002:808:808::"],
    ["2001:4860:4860::8888"],
  ])("lets %s through", (address) => {
    expect(classifyIp(address)).toEqual({ blocked: false });
  });

  it.each([
    ["127.0.0.1", "a loopback address"],
    ["10.255.255.255", "a private address"],
    ["172.16.5.4", "a private address"],
    ["192.168.0.1", "a private address"],
    ["169.254.169.254", "a link-local address"],
    ["100.64.0.1", "a shared address space (CGNAT) address"],
    ["0.0.0.0", 'an unspecified ("this network") address'],
    ["255.255.255.255", "a broadcast address"],
    ["::", "an unspecified address"],
    ["::1", "a loopback address"],
    ["::FFFF:127.0.0.1", "an IPv4-mapped address for 127.0.0.1, which is a loopback address"],
    ["::ffff:8.8.8.8", "an IPv4-mapped address for 8.8.8.8"],
    ["FE80::1", "a link-local address"],
    ["fe80::1%eth0", "a link-local address"],
    ["fd12:3456:789a::1", "a unique local (private) address"],
  ])("blocks %s as %s", (address, reason) => {
    expect(classifyIp(address)).toEqual({ blocked: true, reason });
  });

  it.each([
    ["example.com"],
    [""],
    ["[::1]"],
    ["127.1"],
    ["2130706433"],
    ["0177.0.0.1"],
    ["0x7f.0.0.1"],
    ["256.0.0.1"],
    ["1.2.3.4.5"],
    ["1::2::3"],
    [":::"],
    ["1:2:3:4:5:6:7:8:9"],
    ["1:2:3:4:5:6:7"],
    ["1:2:3:4:5:6:7:8::"],
    ["12345::"],
    ["::g"],
    ["1.2.3.4::"],
    ["::1.2.3"],
    [":1::"],
  ])("treats %j as not an IP address", (address) => {
    expect(classifyIp(address)).toEqual({ blocked: true, reason: "not an IP address" });
  });

  it("accepts a trailing dotted IPv4 part only in place of the last two groups", () => {
    expect(classifyIp("1:2:3:4:5:6:8.8.8.8")).toEqual({ blocked: true, reason: "a reserved address (outside the global unicast range 2000::/3)" });
    expect(classifyIp("2001:4860:1:2:3:4:8.8.8.8")).toEqual({ blocked: false });
    expect(classifyIp("2001:4860:1:2:3:4:5:8.8.8.8")).toEqual({ blocked: true, reason: "not an IP address" });
  });
});

describe("isIpLiteral", () => {
  it.each([
    ["127.0.0.1", true],
    ["8.8.8.8", true],
    ["[::1]", true],
    ["::1", true],
    ["[2606:4700:4700::1111]", true],
    ["[FE80::1]", true],
    ["example.com", false],
    ["localhost", false],
    ["1.2.3", false],
    ["xn--bcher-kva.example", false],
    ["[example.com]", false],
    ["", false],
  ])("%j -> %s", (host, expected) => {
    expect(isIpLiteral(host)).toBe(expected);
  });
});

describe("checkEndpointUrl with private targets allowed (development and tests only)", () => {
  it("accepts loopback and private hosts but keeps every other rule", () => {
    expect(checkEndpointUrl("https://127.0.0.1:8443/hook", { allowPrivateTargets: true })).toEqual({ ok: true, url: "https://127.0.0.1:8443/hook" });
    expect(checkEndpointUrl("https://localhost/hook", { allowPrivateTargets: true }).ok).toBe(true);
    expect(checkEndpointUrl("http://127.0.0.1/hook", { allowPrivateTargets: true }).ok).toBe(false);
    expect(checkEndpointUrl("https://u:p@127.0.0.1/hook", { allowPrivateTargets: true }).ok).toBe(false);
  });
});

describe("checkEndpointUrl with a list of allowed private hosts", () => {
  it("lifts the rules only for the listed hosts", () => {
    expect(checkEndpointUrl("https://[::1]:8443/hook", { allowPrivateTargets: ["::1"] }).ok).toBe(true);
    expect(checkEndpointUrl("https://127.0.0.1/hook", { allowPrivateTargets: ["::1"] }).ok).toBe(false);
    expect(checkEndpointUrl("https://10.1.2.3/hook", { allowPrivateTargets: ["::1"] }).ok).toBe(false);
  });
});

describe("checkEndpointUrl: the development hint", () => {
  const message = (url: string, developmentHint: boolean) => {
    const check = checkEndpointUrl(url, { developmentHint });
    return check.ok ? "" : check.message;
  };

  it("names WEBHOOK_ALLOW_PRIVATE_TARGETS for a local or private host only outside production", () => {
    expect(message("https://localhost:8443/hooks", true)).toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS=localhost");
    expect(message("https://127.0.0.1/hooks", true)).toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS=127.0.0.1");
    expect(message("https://[::1]/hooks", true)).toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS=::1");
    expect(message("https://10.0.0.5/hooks", true)).toContain("never in production");
    for (const url of ["https://localhost/hooks", "https://127.0.0.1/hooks", "https://10.0.0.5/hooks"]) {
      expect(message(url, false)).not.toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS");
      expect(message(url, false)).not.toBe("");
    }
  });

  it("says nothing of it for mistakes the setting does not lift", () => {
    expect(message("http://localhost/hooks", true)).not.toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS");
    expect(message("https://user:pw@example.com/hooks", true)).not.toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS");
  });
});

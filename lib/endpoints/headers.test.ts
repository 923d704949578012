import { describe, expect, it } from "vitest";
import {
  checkHeaderName,
  checkHeaderValue,
  duplicateHeaderMessage,
  findDuplicateHeaderNames,
  MAX_CUSTOM_HEADERS,
  MAX_HEADER_BYTES,
  reservedHeaderNames,
} from "./headers";

const TOKEN_MESSAGE = "Header names may contain only letters, digits and !#$%&'*+-.^_`|~ (no spaces or colons).";

describe("limits", () => {
  it("allows ten headers of up to 4 KiB each", () => {
    expect(MAX_CUSTOM_HEADERS).toBe(10);
    expect(MAX_HEADER_BYTES).toBe(4096);
  });
});

describe("checkHeaderName", () => {
  it.each([
    ["X-API-Key"],
    ["Authorization"],
    ["x-tenant"],
    ["X_Custom.Header"],
    ["!#$%&'*+-.^_`|~"],
    ["A1"],
    ["X-Heraldic"],
    ["Proxy"],
    ["Hosts"],
    ["webhook-idx"],
    ["X-Herald"],
    ["t".repeat(MAX_HEADER_BYTES)],
  ])("accepts %j", (name) => {
    expect(checkHeaderName(name, "Herald")).toBeUndefined();
  });

  it.each([[""], ["   "]])("requires a name (%j)", (name) => {
    expect(checkHeaderName(name, "Herald")).toBe("Enter a header name.");
  });

  it.each([
    ["X API Key"],
    ["X-API-Key:"],
    [" X-API-Key"],
    ["X-API-Key "],
    ["X-Ключ"],
    ["X-Key\r\nInjected: 1"],
    ["X-(Key)"],
    ["X-Key\"quoted\""],
    ["X/Key"],
    ["X@Key"],
    ["X{Key}"],
  ])("refuses %j as not a token", (name) => {
    expect(checkHeaderName(name, "Herald")).toBe(TOKEN_MESSAGE);
  });

  it("refuses a name longer than 4,096 bytes", () => {
    expect(checkHeaderName("t".repeat(MAX_HEADER_BYTES + 1), "Herald")).toBe("Header names may be at most 4,096 bytes long.");
  });

  const exact = [
    "Host",
    "Content-Length",
    "Content-Type",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "Upgrade",
    "TE",
    "Trailer",
    "User-Agent",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
  ];
  const cases = exact.flatMap((canonical) => [
    [canonical, canonical],
    [canonical.toLowerCase(), canonical],
    [canonical.toUpperCase(), canonical],
  ]);

  it.each(cases)("refuses reserved %s, naming %s", (name, canonical) => {
    expect(checkHeaderName(name, "Herald")).toBe(`${canonical} is set by Herald and cannot be overridden.`);
  });

  it("names the deployment's brand as the setter", () => {
    expect(checkHeaderName("content-type", "CertDirectory")).toBe("Content-Type is set by CertDirectory and cannot be overridden.");
  });

  it.each([
    ["Proxy-Authorization", "Herald", "Proxy-"],
    ["proxy-connection", "Herald", "Proxy-"],
    ["PROXY-Anything", "Herald", "Proxy-"],
    ["X-Herald-Signature", "Herald", "X-Herald-"],
    ["X-Herald-Event", "Herald", "X-Herald-"],
    ["x-herald-anything", "Herald", "X-Herald-"],
    ["X-HERALD-Foo", "Herald", "X-Herald-"],
    ["X-CertDirectory-Signature", "CertDirectory", "X-CertDirectory-"],
    ["x-certdirectory-event", "CertDirectory", "X-CertDirectory-"],
  ])("refuses %s under brand %s (prefix %s)", (name, brand, prefix) => {
    expect(checkHeaderName(name, brand)).toBe(`${name} cannot be used: headers starting with ${prefix} are reserved by ${brand}.`);
  });

  it("only reserves the current brand's prefix", () => {
    expect(checkHeaderName("X-Herald-Foo", "CertDirectory")).toBeUndefined();
    expect(checkHeaderName("X-CertDirectory-Foo", "Herald")).toBeUndefined();
  });
});

describe("reservedHeaderNames", () => {
  it("lists the exact names and the brand's prefix", () => {
    const reserved = reservedHeaderNames("Acme");
    expect(reserved.exact).toContain("Content-Type");
    expect(reserved.exact).toContain("webhook-signature");
    expect(reserved.prefixes).toEqual(["Proxy-", "X-Acme-"]);
  });
});

describe("checkHeaderValue", () => {
  it.each([
    ["secret"],
    ["Bearer abc.def-ghi_jkl"],
    ["a value with spaces"],
    ["tab\tseparated"],
    ['quotes " and symbols !@#$%^&*()'],
    ["x".repeat(MAX_HEADER_BYTES)],
  ])("accepts %j", (value) => {
    expect(checkHeaderValue(value)).toBeUndefined();
  });

  it.each([[""], ["   "], ["\t"]])("requires a value (%j)", (value) => {
    expect(checkHeaderValue(value)).toBe("Enter a value for this header.");
  });

  it.each([
    ["line\rbreak"],
    ["line\nbreak"],
    ["secret\r\nX-Injected: 1"],
    ["nul\u0000byte"],
    ["trailing newline\n"],
  ])("refuses %j for line breaks or NUL", (value) => {
    expect(checkHeaderValue(value)).toBe("Header values cannot contain line breaks or NUL characters.");
  });

  it.each([["bell\u0007"], ["\u0001start"], ["vertical\u000btab"], ["form\u000cfeed"], ["escape\u001b[0m"], ["del\u007f"]])(
    "refuses control character in %j",
    (value) => {
      expect(checkHeaderValue(value)).toBe("Header values cannot contain control characters (tabs are fine).");
    },
  );

  it("refuses a 4,097-byte value", () => {
    expect(checkHeaderValue("x".repeat(MAX_HEADER_BYTES + 1))).toBe("Header values may be at most 4,096 bytes long.");
  });

  it.each([["café"], ["€100"], ["✓"], ["😀"], ["zero\u200bwidth"], ["\u202Eright-to-left"]])(
    "refuses non-ASCII in %j, which HTTP clients cannot send as typed",
    (value) => {
      expect(checkHeaderValue(value)).toContain("only printable ASCII");
    },
  );
});

describe("findDuplicateHeaderNames", () => {
  it.each<[string[], string[]]>([
    [[], []],
    [["X-A", "X-B"], []],
    [["X-API-Key", "x-api-key"], ["X-API-Key"]],
    [["X-API-Key", "X-Other", "X-API-KEY", "x-api-key"], ["X-API-Key"]],
    [["b", "a", "B", "A"], ["b", "a"]],
    [["a", "b", "b", "a"], ["a", "b"]],
    [["", "", "  "], []],
    [["X-A ", "x-a"], ["X-A"]],
  ])("%j -> %j", (names, expected) => {
    expect(findDuplicateHeaderNames(names)).toEqual(expected);
  });

  it("phrases the duplicate message", () => {
    expect(duplicateHeaderMessage("X-API-Key")).toBe("X-API-Key appears more than once; each header name may be used once.");
  });
});

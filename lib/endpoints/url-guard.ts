/**
 * Validation for the webhook endpoint URLs partners register. It runs in the browser (form feedback) and on the
 * server (the authoritative check), so it only uses the WHATWG URL parser and plain string/number work: no `node:`
 * modules, no DNS. A host name can still resolve to a private address; the delivery engine re-checks every resolved
 * address with `classifyIp` just before it connects.
 */

import { privateTargetAllowed, type PrivateTargets } from "./private-targets";

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

export type IpClass = { blocked: false } | { blocked: true; reason: string };

/** Longest URL accepted, before and after normalisation: percent-encoding and punycode can lengthen the input. */
export const MAX_URL_LENGTH = 2048;

const PUBLIC_ADVICE = "Herald only delivers to public addresses: use your endpoint's public host name or IP.";

// Internally a refusal may carry better advice than PUBLIC_ADVICE (an IPv4-mapped public address is public, just
// written the wrong way); `classifyIp` drops it to keep its exported shape small.
type Verdict = { blocked: false } | { blocked: true; reason: string; advice?: string };

// Declared before the range tables below, which parse their bases with these at module load.
const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/;
// Tab, LF and CR are silently removed by the URL parser; refusing them (and other controls) avoids accepting a URL
// that differs from what the partner sees in the field.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

type V4Range = { base: number; bits: number; reason: string };

const UNSPECIFIED_V4 = 'an unspecified ("this network") address';
const PRIVATE = "a private address";
const LOOPBACK = "a loopback address";
const LINK_LOCAL = "a link-local address";
const DOCUMENTATION = "a documentation (test) address";
const MULTICAST = "a multicast address";
const BENCHMARKING = "a benchmarking address";

// Order matters: the first match names the kind, so narrower ranges come before the ranges that contain them.
const V4_BLOCKED: readonly V4Range[] = [
  v4Range("0.0.0.0", 8, UNSPECIFIED_V4),
  v4Range("10.0.0.0", 8, PRIVATE),
  v4Range("100.64.0.0", 10, "a shared address space (CGNAT) address"),
  v4Range("127.0.0.0", 8, LOOPBACK),
  v4Range("169.254.0.0", 16, LINK_LOCAL),
  v4Range("172.16.0.0", 12, PRIVATE),
  v4Range("192.0.0.0", 24, "a reserved address (IETF protocol assignments)"),
  v4Range("192.0.2.0", 24, DOCUMENTATION),
  v4Range("192.88.99.0", 24, "a reserved address (retired 6to4 relay anycast)"),
  v4Range("192.168.0.0", 16, PRIVATE),
  v4Range("198.18.0.0", 15, BENCHMARKING),
  v4Range("198.51.100.0", 24, DOCUMENTATION),
  v4Range("203.0.113.0", 24, DOCUMENTATION),
  v4Range("224.0.0.0", 4, MULTICAST),
  v4Range("255.255.255.255", 32, "a broadcast address"),
  v4Range("240.0.0.0", 4, "a reserved address"),
];

type V6Range = { prefix: readonly number[]; bits: number; reason: string };

// Prefixes whose whole range is refused outright. The ranges that embed an IPv4 address (::/96, ::ffff:0:0/96,
// NAT64, 6to4) are handled in `classifyV6` because the verdict depends on the embedded address.
const V6_BLOCKED: readonly V6Range[] = [
  v6Range("100::", 64, "a discard-only address"),
  v6Range("2001:2::", 48, BENCHMARKING),
  v6Range("2001:db8::", 32, DOCUMENTATION),
  v6Range("2001::", 32, "a Teredo tunnelling address"),
  v6Range("3fff::", 20, DOCUMENTATION),
  v6Range("fc00::", 7, "a unique local (private) address"),
  v6Range("fe80::", 10, LINK_LOCAL),
  v6Range("fec0::", 10, "a site-local (deprecated private) address"),
  v6Range("ff00::", 8, MULTICAST),
];

const V6_NAT64_WELL_KNOWN = v6Range("64:ff9b::", 96, "");
const V6_NAT64_LOCAL = v6Range("64:ff9b:1::", 48, "");
const V6_MAPPED = v6Range("::ffff:0:0", 96, "");
const V6_COMPATIBLE = v6Range("::", 96, "");
const V6_6TO4 = v6Range("2002::", 16, "");
const V6_GLOBAL_UNICAST = v6Range("2000::", 3, "");

/**
 * Validates a webhook endpoint URL a partner typed. On success `url` is the WHATWG-normalised href (punycode host,
 * canonical IP literal) that should be stored; on failure `message` says what to change.
 */
export function checkEndpointUrl(
  input: string,
  options: {
    allowPrivateTargets?: PrivateTargets;
    /** Outside production only: a refused local or private host names the setting that allows it while developing. */
    developmentHint?: boolean;
  } = {},
): UrlCheck {
  const raw = input.trim();
  if (raw === "") return fail("Enter the endpoint URL.");
  if (raw.length > MAX_URL_LENGTH) return tooLong();
  if (CONTROL_CHARACTER.test(raw)) {
    return fail("The URL contains a line break, tab or other control character. Remove it and try again.");
  }

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail("That is not a valid URL. It should look like https://example.com/webhooks.");
  }

  if (url.protocol !== "https:") return fail("Use an https:// URL: Herald only delivers over TLS.");
  if (url.username !== "" || url.password !== "") {
    return fail("Remove the user:password part from the URL. To authenticate Herald, add a custom header instead.");
  }
  // `new URL("https://a.com/#").hash` is "", so the raw text is what shows a fragment was typed.
  if (raw.includes("#")) {
    return fail("Remove the #fragment from the URL: fragments are never sent to your server.");
  }

  // WEBHOOK_ALLOW_PRIVATE_TARGETS (local development and tests only) lifts the address rules, not the others.
  const hostProblem = privateTargetAllowed(options.allowPrivateTargets ?? false, url.hostname) ? undefined : checkHost(url.hostname);
  if (hostProblem !== undefined) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    return fail(
      options.developmentHint
        ? `${hostProblem} While developing, start Herald with WEBHOOK_ALLOW_PRIVATE_TARGETS=${host} to deliver to it (never in production).`
        : hostProblem,
    );
  }
  // DNS limits: a name no resolver can look up would only fail at every delivery.
  if (!url.hostname.startsWith("[") && (url.hostname.length > 253 || url.hostname.split(".").some((label) => label.length > 63))) {
    return fail("That host name is too long: each part between dots is at most 63 characters, the whole name at most 253.");
  }

  if (url.href.length > MAX_URL_LENGTH) return tooLong();
  return { ok: true, url: url.href };
}

/**
 * Whether a bare IP address (as `dns.lookup` returns it: no brackets) may receive deliveries. Anything that is not
 * strictly a dotted-quad IPv4 or a valid IPv6 address is blocked as "not an IP address", so a caller can never
 * mistake garbage for a public address. `reason` is a short noun phrase ("a loopback address") for use in messages.
 *
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are always blocked, even when the embedded IPv4 address is public:
 * nothing legitimate is written that way, whether a connection to one works depends on the server's dual-stack
 * settings, and it is a classic way to dress a private address up as IPv6. The reason names the embedded address.
 */
export function classifyIp(address: string): IpClass {
  const verdict = classifyAddress(address);
  return verdict.blocked ? { blocked: true, reason: verdict.reason } : { blocked: false };
}

/**
 * Whether a host is an IP address rather than a name: a dotted-quad IPv4 address, or an IPv6 address with or without
 * the brackets URLs put around it. Expects a WHATWG-normalised `URL.hostname` (which has already turned odd IPv4
 * spellings such as `0x7f.1` into dotted quads) or a bare address.
 */
export function isIpLiteral(host: string): boolean {
  if (DOTTED_QUAD.test(host)) return true;
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return parseV6(bare.toLowerCase()) !== undefined;
}

function checkHost(hostname: string): string | undefined {
  if (hostname.startsWith("[") && hostname.endsWith("]")) return ipProblem(hostname.slice(1, -1));
  if (DOTTED_QUAD.test(hostname)) return ipProblem(hostname);

  const name = (hostname.endsWith(".") ? hostname.slice(0, -1) : hostname).toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost")) {
    const where = "points at the machine Herald runs on, not at your server";
    return `${hostname} ${where}. Use your endpoint's public host name.`;
  }
  if (!name.includes(".")) {
    return `${hostname} is not a public host name. Use a fully qualified name such as hooks.example.com.`;
  }
  return undefined;
}

function ipProblem(address: string): string | undefined {
  const verdict = classifyAddress(address);
  if (!verdict.blocked) return undefined;
  return `${address} is ${verdict.reason}. ${verdict.advice ?? PUBLIC_ADVICE}`;
}

function classifyAddress(address: string): Verdict {
  if (DOTTED_QUAD.test(address)) {
    const v4 = parseV4(address);
    return v4 === undefined ? notAnIp() : classifyV4(v4);
  }
  // A zone id (fe80::1%eth0) only qualifies link-local addresses; the address before it decides the verdict.
  const percent = address.indexOf("%");
  const groups = parseV6((percent === -1 ? address : address.slice(0, percent)).toLowerCase());
  return groups === undefined ? notAnIp() : classifyV6(groups);
}

function classifyV4(ip: number): Verdict {
  const range = V4_BLOCKED.find((r) => inV4Range(ip, r));
  return range === undefined ? { blocked: false } : { blocked: true, reason: range.reason };
}

function classifyV6(groups: readonly number[]): Verdict {
  if (groups.every((g) => g === 0)) return { blocked: true, reason: "an unspecified address" };
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] === 1) return { blocked: true, reason: LOOPBACK };

  if (inV6Range(groups, V6_MAPPED)) {
    const embedded = v4FromGroups(groups[6], groups[7]);
    const inner = classifyV4(embedded);
    const shown = formatV4(embedded);
    if (inner.blocked) {
      return { blocked: true, reason: `an IPv4-mapped address for ${shown}, which is ${inner.reason}` };
    }
    return {
      blocked: true,
      reason: `an IPv4-mapped address for ${shown}`,
      advice: `Write the IPv4 address directly: https://${shown}/.`,
    };
  }
  if (inV6Range(groups, V6_COMPATIBLE)) {
    const shown = formatV4(v4FromGroups(groups[6], groups[7]));
    return { blocked: true, reason: `a deprecated IPv4-compatible address (embedding ${shown})` };
  }
  if (inV6Range(groups, V6_NAT64_WELL_KNOWN)) {
    // The well-known NAT64 prefix is globally routable: it is fine unless the IPv4 address it reaches is not.
    return embeddedV4Verdict("a NAT64 address", v4FromGroups(groups[6], groups[7])) ?? { blocked: false };
  }
  if (inV6Range(groups, V6_NAT64_LOCAL)) {
    return (
      embeddedV4Verdict("a local-use NAT64 address", v4FromGroups(groups[6], groups[7])) ?? {
        blocked: true,
        reason: "a local-use NAT64 address, which is not reachable from the internet",
      }
    );
  }
  if (inV6Range(groups, V6_6TO4)) {
    return embeddedV4Verdict("a 6to4 address", v4FromGroups(groups[1], groups[2])) ?? { blocked: false };
  }

  const range = V6_BLOCKED.find((r) => inV6Range(groups, r));
  if (range !== undefined) return { blocked: true, reason: range.reason };
  // IANA has only allocated 2000::/3 for global unicast; every other address outside the special ranges above is
  // reserved and cannot belong to a partner's server.
  if (!inV6Range(groups, V6_GLOBAL_UNICAST)) {
    return { blocked: true, reason: "a reserved address (outside the global unicast range 2000::/3)" };
  }
  return { blocked: false };
}

function embeddedV4Verdict(kind: string, embedded: number): Verdict | undefined {
  const inner = classifyV4(embedded);
  if (!inner.blocked) return undefined;
  return { blocked: true, reason: `${kind} embedding ${formatV4(embedded)}, which is ${inner.reason}` };
}

function parseV4(text: string): number | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  return text.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function formatV4(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join(".");
}

function v4FromGroups(high: number | undefined, low: number | undefined): number {
  return (((high ?? 0) << 16) | (low ?? 0)) >>> 0;
}

/** Eight 16-bit groups, or undefined when the text is not an IPv6 address (expects lower case, no brackets). */
function parseV6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const head = parseV6Groups(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? parseV6Groups(halves[1] ?? "", true) : [];
  if (head === undefined || tail === undefined) return undefined;

  if (halves.length === 1) return head.length === 8 ? head : undefined;
  // "::" stands for at least one zero group.
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Groups of one side of "::"; a dotted IPv4 part is allowed only at the very end of the address. */
function parseV6Groups(text: string, endsAddress: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (const [index, part] of parts.entries()) {
    if (index === parts.length - 1 && endsAddress && part.includes(".")) {
      const v4 = parseV4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return undefined;
    }
  }
  return groups;
}

function v4Range(base: string, bits: number, reason: string): V4Range {
  const parsed = parseV4(base);
  if (parsed === undefined) throw new Error(`Bad IPv4 range base ${base}`);
  return { base: parsed, bits, reason };
}

function v6Range(prefix: string, bits: number, reason: string): V6Range {
  const parsed = parseV6(prefix);
  if (parsed === undefined) throw new Error(`Bad IPv6 range prefix ${prefix}`);
  return { prefix: parsed, bits, reason };
}

function inV4Range(ip: number, range: V4Range): boolean {
  if (range.bits === 0) return true;
  const mask = range.bits === 32 ? 0xffffffff : (0xffffffff << (32 - range.bits)) >>> 0;
  return (ip & mask) >>> 0 === (range.base & mask) >>> 0;
}

function inV6Range(groups: readonly number[], range: V6Range): boolean {
  for (let i = 0; i < 8; i++) {
    const bits = Math.min(16, range.bits - i * 16);
    if (bits <= 0) return true;
    const mask = (0xffff << (16 - bits)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((range.prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function notAnIp(): Verdict {
  return { blocked: true, reason: "not an IP address" };
}

function tooLong(): UrlCheck {
  return fail(`That URL is too long. Use at most ${MAX_URL_LENGTH.toLocaleString("en-US")} characters.`);
}

function fail(message: string): UrlCheck {
  return { ok: false, message };
}

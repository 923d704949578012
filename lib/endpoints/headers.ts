/**
 * Validation for the custom HTTP headers a partner adds to every delivery (e.g. `X-API-Key: secret`). Isomorphic:
 * the portal form and the server share these rules.
 */

export const MAX_CUSTOM_HEADERS = 10;
/** Upper bound, in UTF-8 bytes, for a header name and, separately, for its value. */
export const MAX_HEADER_BYTES = 4096;

export type ReservedHeaderNames = {
  /** Names reserved exactly, in their usual spelling (matching is case-insensitive). */
  exact: readonly string[];
  /** Prefixes that reserve every name starting with them, e.g. "Proxy-". */
  prefixes: readonly string[];
};

// Framing and connection headers would corrupt the request or be rejected by the HTTP client; the Standard Webhooks
// headers and Herald's own X-<brand>-* headers carry the signature a receiver verifies, so a partner must not be able
// to replace them.
const RESERVED_EXACT = [
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
  "Content-Encoding",
  "Expect",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
] as const;

// RFC 9110 token: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
// / DIGIT / ALPHA.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const LINE_BREAK_OR_NUL = /[\r\n\u0000]/;
// Horizontal tab (0x09) is legal field whitespace; every other C0 control and DEL is not.
const OTHER_CONTROL = /[\u0001-\u0008\u000b-\u001f\u007f]/;
// Node's HTTP clients refuse characters above U+00FF and send U+0080-U+00FF as Latin-1 bytes receivers misread:
// only printable ASCII (plus tab) reaches every receiver as typed.
const NON_ASCII = /[^\t\u0020-\u007e]/;

const encoder = new TextEncoder();

/**
 * The header names partners may not set, for a deployment whose own headers are named X-<brand>-*. Used by
 * `checkHeaderName` and suitable for listing in the form's help text.
 */
export function reservedHeaderNames(brand: string): ReservedHeaderNames {
  return { exact: RESERVED_EXACT, prefixes: ["Proxy-", `X-${brand}-`] };
}

/** An error message for a custom header name, or undefined when the name is acceptable. */
export function checkHeaderName(name: string, brand: string): string | undefined {
  if (name.trim() === "") return "Enter a header name.";
  if (utf8Length(name) > MAX_HEADER_BYTES) return `Header names may be at most ${formatBytes(MAX_HEADER_BYTES)} long.`;
  if (!TOKEN.test(name)) {
    return "Header names may contain only letters, digits and !#$%&'*+-.^_`|~ (no spaces or colons).";
  }

  const lower = name.toLowerCase();
  const reserved = reservedHeaderNames(brand);
  const exact = reserved.exact.find((candidate) => candidate.toLowerCase() === lower);
  if (exact !== undefined) return `${exact} is set by ${brand} and cannot be overridden.`;
  const prefix = reserved.prefixes.find((candidate) => lower.startsWith(candidate.toLowerCase()));
  if (prefix !== undefined) {
    return `${name} cannot be used: headers starting with ${prefix} are reserved by ${brand}.`;
  }
  return undefined;
}

/**
 * An error message for a custom header value, or undefined when the value is acceptable. CR and LF are refused because
 * they would let a value start a new header (header injection); other control characters are refused because HTTP
 * clients reject them at delivery time, long after the partner saved the form.
 */
export function checkHeaderValue(value: string): string | undefined {
  // HTTP clients strip leading and trailing whitespace, so a blank value would be sent as an empty header.
  if (value.trim() === "") return "Enter a value for this header.";
  if (LINE_BREAK_OR_NUL.test(value)) return "Header values cannot contain line breaks or NUL characters.";
  if (OTHER_CONTROL.test(value)) return "Header values cannot contain control characters (tabs are fine).";
  if (NON_ASCII.test(value)) return "Header values may contain only printable ASCII characters (no accents, symbols like € or emoji).";
  if (utf8Length(value) > MAX_HEADER_BYTES) {
    return `Header values may be at most ${formatBytes(MAX_HEADER_BYTES)} long.`;
  }
  return undefined;
}

/**
 * The names used more than once, compared case-insensitively as HTTP does. Each duplicated name is returned once, in
 * the spelling of its first occurrence, in order of first occurrence; blank names are ignored (they get their own
 * "Enter a header name." error).
 */
export function findDuplicateHeaderNames(names: string[]): string[] {
  const firstSpelling = new Map<string, string>();
  const duplicated = new Set<string>();
  for (const name of names) {
    const trimmed = name.trim();
    if (trimmed === "") continue;
    const key = trimmed.toLowerCase();
    if (firstSpelling.has(key)) duplicated.add(key);
    else firstSpelling.set(key, trimmed);
  }
  return [...firstSpelling].filter(([key]) => duplicated.has(key)).map(([, spelling]) => spelling);
}

/** The error message for a name `findDuplicateHeaderNames` returned. */
export function duplicateHeaderMessage(name: string): string {
  return `${name} appears more than once; each header name may be used once.`;
}

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

function formatBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}

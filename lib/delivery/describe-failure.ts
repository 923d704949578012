/**
 * A failed attempt in words, for alerts, operational events and the portal: the HTTP status, or what went wrong
 * when no answer came (the attempt's error class, see lib/delivery/send-attempt.ts). Pure, so client components use
 * it too.
 */
export function describeFailure(failure: { status: number | null; errorClass: string | null } | null, timeoutSeconds: number): string {
  if (!failure) return "no answer recorded";
  if (failure.status !== null && (failure.errorClass === "http_status" || failure.errorClass === null)) return `HTTP ${failure.status}`;
  switch (failure.errorClass) {
    case "timeout":
      return `no complete answer within the timeout (${timeoutSeconds} s)`;
    case "tls":
      return "TLS error: the certificate was refused (expired, self-signed or for another host)";
    case "dns":
      return "DNS error: the host name did not resolve";
    case "connection":
      return "connection refused or reset";
    case "blocked":
      return "blocked: the host resolves to a private or reserved address";
    case "response_too_large":
      return "the answer was larger than 4 MB";
    default:
      return failure.status !== null ? `HTTP ${failure.status} (${failure.errorClass})` : (failure.errorClass ?? "unknown error");
  }
}

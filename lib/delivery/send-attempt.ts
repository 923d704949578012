import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { ClientRequest } from "node:http";
import { Agent, request, type RequestOptions } from "node:https";
import type { LookupFunction } from "node:net";
import type { ErrorClass } from "@/db/schema";
import { privateTargetAllowed, type PrivateTargets } from "@/lib/endpoints/private-targets";
import { classifyIp, isIpLiteral } from "@/lib/endpoints/url-guard";

/** What Herald keeps of a response body: enough to debug, bounded so one endpoint cannot fill the database. */
export const STORED_BODY_BYTES = 16 * 1024;
/** Responses beyond this are abandoned as `response_too_large` (the receiver has already spent our time). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface AttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivateTargets: PrivateTargets;
}

export interface AttemptResult {
  ok: boolean;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  responseBodyTruncated: boolean;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
}

class AttemptError extends Error {
  constructor(
    readonly errorClass: ErrorClass,
    message: string,
  ) {
    super(message);
  }
}

// One pool for every delivery: keep-alive connections to busy endpoints save a TLS handshake per request. Sockets
// are keyed by host and port, and each was opened to an address the guard checked.
const agent = new Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64, timeout: 60_000, minVersion: "TLSv1.2" });

/**
 * Resolves the host and refuses every private or reserved address before the socket connects, then hands Node the
 * address that was checked: there is no second lookup a DNS-rebinding attacker could answer differently.
 */
function guardedLookup(allowPrivate: PrivateTargets): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const exempt = privateTargetAllowed(allowPrivate, hostname);
      const allowed = addresses.filter((a) => exempt || privateTargetAllowed(allowPrivate, a.address) || !classifyIp(a.address).blocked);
      if (allowed.length === 0) {
        const first = addresses[0];
        const reason = first ? classifyIp(first.address) : undefined;
        const why = reason && reason.blocked ? `${first!.address} is ${reason.reason}` : "no public address";
        return callback(new AttemptError("blocked", `${hostname} resolves to ${why}; Herald only delivers to public addresses.`), "", 0);
      }
      if (options.all) return callback(null, allowed);
      const chosen = allowed[0]!;
      callback(null, chosen.address, chosen.family);
    });
  };
}

const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "ENODATA"]);
const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);

/** Maps Node's errors to the classes partners see in Logs. */
export function classifyError(error: unknown): { errorClass: ErrorClass; message: string } {
  if (error instanceof AttemptError) return { errorClass: error.errorClass, message: error.message };
  const err = error as NodeJS.ErrnoException & { reason?: string };
  const code = err?.code ?? "";
  const message = err?.message ?? String(error);
  if (DNS_CODES.has(code)) return { errorClass: "dns", message: `DNS lookup failed (${code}): ${message}` };
  if (CONNECTION_CODES.has(code) || message === "socket hang up") {
    return { errorClass: "connection", message: `Connection failed (${code || "closed"}): ${message}` };
  }
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ERR_TLS|ERR_SSL|EPROTO/.test(code) ||
    /certificate|SSL|TLS/i.test(message)
  ) {
    return { errorClass: "tls", message: `TLS failed (${code || "handshake"}): ${message}` };
  }
  if (code.startsWith("HPE_")) return { errorClass: "connection", message: `Invalid HTTP response (${code}): ${message}` };
  return { errorClass: "connection", message: `Request failed${code ? ` (${code})` : ""}: ${message}` };
}

function flattenHeaders(headers: NodeJS.Dict<string | string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * Sends one webhook request. Never throws: every outcome, success or failure, comes back as a result to record.
 * Only 2xx succeeds; redirects are failures and are never followed. The timeout covers the DNS lookup, connect,
 * TLS, headers and the whole body.
 */
export function sendAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const startedAt = new Date();
  const started = performance.now();
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    // Filled in once the request exists; the deadline starts now, so it also covers the checks before it.
    const inflight: { request?: ClientRequest } = {};
    const timer = setTimeout(() => {
      inflight.request?.destroy(new AttemptError("timeout", `No complete response within ${req.timeoutMs / 1000} s.`));
    }, req.timeoutMs);
    const finish = (partial: Omit<AttemptResult, "startedAt" | "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...partial, startedAt, durationMs: Math.round(performance.now() - started) });
    };
    const fail = (error: unknown, response?: Partial<AttemptResult>) => {
      const { errorClass, message } = classifyError(error);
      finish({
        ok: false,
        statusCode: response?.statusCode ?? null,
        responseHeaders: response?.responseHeaders ?? null,
        responseBody: response?.responseBody ?? null,
        responseBodyTruncated: response?.responseBodyTruncated ?? false,
        errorClass,
        errorMessage: message.slice(0, 1000),
      });
    };

    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      fail(new AttemptError("blocked", "The endpoint URL is not valid."));
      return;
    }
    if (url.protocol !== "https:") {
      fail(new AttemptError("blocked", "Herald only delivers over https://."));
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    if (!privateTargetAllowed(req.allowPrivateTargets, host) && isIpLiteral(host)) {
      const verdict = classifyIp(host);
      if (verdict.blocked) {
        fail(new AttemptError("blocked", `${host} is ${verdict.reason}; Herald only delivers to public addresses.`));
        return;
      }
    }

    const options: RequestOptions = {
      method: "POST",
      agent,
      headers: { ...req.headers, "content-length": Buffer.byteLength(req.body).toString() },
      lookup: guardedLookup(req.allowPrivateTargets),
      // TLS 1.2+ and certificate verification come from the agent; TLS options here would build a new TLS context
      // for every connection.
    };
    const clientRequest = request(url, options, (response) => {
      const statusCode = response.statusCode ?? 0;
      const responseHeaders = flattenHeaders(response.headers);
      const chunks: Buffer[] = [];
      let stored = 0;
      let total = 0;
      response.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (stored < STORED_BODY_BYTES) {
          const slice = chunk.subarray(0, STORED_BODY_BYTES - stored);
          chunks.push(slice);
          stored += slice.length;
        }
        if (total > MAX_RESPONSE_BYTES) {
          response.destroy();
          clientRequest.destroy();
          fail(new AttemptError("response_too_large", `The response body exceeded ${MAX_RESPONSE_BYTES / 1024 / 1024} MB.`), {
            statusCode,
            responseHeaders,
            responseBody: Buffer.concat(chunks).toString("utf8"),
            responseBodyTruncated: true,
          });
        }
      });
      response.on("error", (error) => fail(error, { statusCode, responseHeaders }));
      response.on("end", () => {
        const responseBody = Buffer.concat(chunks).toString("utf8");
        const responseBodyTruncated = total > stored;
        if (statusCode >= 200 && statusCode < 300) {
          finish({ ok: true, statusCode, responseHeaders, responseBody, responseBodyTruncated, errorClass: null, errorMessage: null });
        } else {
          const redirect = statusCode >= 300 && statusCode < 400;
          const location = responseHeaders.location ? ` to ${responseHeaders.location}` : "";
          finish({
            ok: false,
            statusCode,
            responseHeaders,
            responseBody,
            responseBodyTruncated,
            errorClass: "http_status",
            errorMessage: redirect
              ? `Redirect (${statusCode})${location} not followed: webhooks must be answered with 2xx at the configured URL.`
              : `The endpoint answered ${statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ""}.`,
          });
        }
      });
    });
    inflight.request = clientRequest;
    clientRequest.on("error", (error) => fail(error));
    clientRequest.end(req.body);
  });
}

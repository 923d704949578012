import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { ClientRequest, IncomingMessage, InformationEvent } from "node:http";
import { Agent, request, type RequestOptions } from "node:https";
import type { LookupFunction, Socket } from "node:net";
import type { ErrorClass } from "@/db/schema";
import { privateTargetAllowed, type PrivateTargets } from "@/lib/endpoints/private-targets";
import { classifyIp, isIpLiteral } from "@/lib/endpoints/url-guard";

/** What Herald keeps of a response body: enough to debug, bounded so one endpoint cannot fill the database. */
export const STORED_BODY_BYTES = 16 * 1024;
/** Responses beyond this are abandoned as `response_too_large` (the receiver has already spent our time). */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/**
 * Informational (1xx) answers tolerated before the final one: 100 Continue or 103 Early Hints are legitimate, an
 * endless stream of them is a receiver that will never answer.
 */
export const MAX_INFORMATIONAL_RESPONSES = 16;

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
  /** Where the time went (milliseconds); see {@link AttemptPhases}. */
  phases: AttemptPhases;
}

/**
 * Per-phase timings of one attempt, in milliseconds. A phase that did not happen is null: on a reused keep-alive
 * connection DNS, connect and TLS are all null; an IP literal needs no lookup (DNS 0); a phase cut short by an error
 * or the deadline stays null. `ttfb` runs from the moment the connection was ready (the request's start, on a reused
 * one) to the response's headers: the receiver's own handling time plus one round trip, never the connection set-up.
 */
export interface AttemptPhases {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
}

/** Rounded to 0.1 ms: enough to tell loopback from a slow handler, no false precision. */
const tenths = (ms: number) => Math.round(ms * 10) / 10;

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
 * Only 2xx succeeds; redirects and 1xx answers (101 Switching Protocols included) are failures and are never
 * followed. The timeout covers the DNS lookup, connect, TLS, headers and the whole body, and it settles the result
 * by itself: whatever state the request or its socket is in (Node may have destroyed it silently, as it does after
 * an unhandled 101 with `Upgrade`), the promise resolves by `timeoutMs`.
 */
export function sendAttempt(req: AttemptRequest): Promise<AttemptResult> {
  const startedAt = new Date();
  const started = performance.now();
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    // Filled in once the request and its socket exist; the deadline starts now, so it also covers the checks before it.
    const inflight: { request?: ClientRequest; socket?: Socket; informational: number } = { informational: 0 };
    // Moments (performance.now) the connection's phases ended; undefined: not (yet) reached.
    const marks: { reused?: boolean; lookup?: number; connect?: number; secure?: number; response?: number } = {};
    const phases = (): AttemptPhases => {
      if (marks.reused) {
        return { dnsMs: null, connectMs: null, tlsMs: null, ttfbMs: marks.response === undefined ? null : tenths(marks.response - started) };
      }
      // No lookup event on a socket that connected: the host was an IP literal.
      const lookupEnd = marks.lookup ?? (marks.connect !== undefined ? started : undefined);
      return {
        dnsMs: lookupEnd === undefined ? null : tenths(lookupEnd - started),
        connectMs: marks.connect === undefined || lookupEnd === undefined ? null : tenths(marks.connect - lookupEnd),
        tlsMs: marks.secure === undefined || marks.connect === undefined ? null : tenths(marks.secure - marks.connect),
        ttfbMs: marks.response === undefined || marks.secure === undefined ? null : tenths(marks.response - marks.secure),
      };
    };
    // The deadline settles the attempt itself instead of asking the request to fail: a request Node has already
    // destroyed without an error (an unhandled upgrade, a future parser quirk) would never emit one.
    const timer = setTimeout(() => {
      const hints = inflight.informational > 0 ? ` (${inflight.informational} informational 1xx answer(s), no final one)` : "";
      const error = new AttemptError("timeout", `No complete response within ${req.timeoutMs / 1000} s${hints}.`);
      fail(error);
      inflight.request?.destroy(error);
      inflight.socket?.destroy();
    }, req.timeoutMs);
    const finish = (partial: Omit<AttemptResult, "startedAt" | "durationMs" | "phases">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...partial, startedAt, durationMs: Math.round(performance.now() - started), phases: phases() });
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
      marks.response = performance.now();
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
          // A 1xx as the final answer leaves the connection in no known state: never hand it back to the pool.
          if (statusCode < 200) inflight.socket?.destroy();
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
              : statusCode < 200
                ? `The endpoint answered ${statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ""}, an informational status, as its final answer: webhooks must be answered with 2xx.`
                : `The endpoint answered ${statusCode}${response.statusMessage ? ` ${response.statusMessage}` : ""}.`,
          });
        }
      });
    });
    inflight.request = clientRequest;
    clientRequest.on("socket", (socket) => {
      inflight.socket = socket;
      // A pooled keep-alive socket arrives connected: no lookup, connect or handshake happened for this attempt.
      if (!socket.connecting) {
        marks.reused = true;
        return;
      }
      socket.once("lookup", () => (marks.lookup = performance.now()));
      socket.once("connect", () => (marks.connect = performance.now()));
      socket.once("secureConnect", () => (marks.secure = performance.now()));
    });
    // 101 with `Upgrade`: without this listener Node destroys the socket and the request never settles. Herald does
    // not switch protocols: the webhook was not acknowledged.
    clientRequest.on("upgrade", (response: IncomingMessage, socket: Socket) => {
      socket.destroy();
      const upgrade = response.headers.upgrade ? ` (Upgrade: ${String(response.headers.upgrade).slice(0, 100)})` : "";
      fail(
        new AttemptError(
          "http_status",
          `The endpoint answered ${response.statusCode ?? 101} Switching Protocols${upgrade}: webhooks must be answered with 2xx, Herald does not switch protocols.`,
        ),
        { statusCode: response.statusCode ?? 101, responseHeaders: flattenHeaders(response.headers) },
      );
    });
    clientRequest.on("information", (info: InformationEvent) => {
      inflight.informational += 1;
      if (inflight.informational < MAX_INFORMATIONAL_RESPONSES) return;
      const error = new AttemptError(
        "http_status",
        `The endpoint sent ${inflight.informational} informational answers (last ${info.statusCode} ${info.statusMessage}) and no final one: webhooks must be answered with 2xx.`,
      );
      fail(error, { statusCode: info.statusCode, responseHeaders: flattenHeaders(info.headers) });
      clientRequest.destroy(error);
    });
    clientRequest.on("error", (error) => fail(error));
    clientRequest.end(req.body);
  });
}

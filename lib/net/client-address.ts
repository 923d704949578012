import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";

/**
 * The request header that carries the TCP peer's address from the HTTP server to route handlers and server actions.
 * Next.js exposes no socket to them, and its own `X-Forwarded-For` is no substitute: it fills that header with the
 * socket address only when the request did not bring one, so a client that sends it chooses its own address.
 */
export const PEER_HEADER = "x-herald-peer";

const TOKEN = Symbol.for("herald.peerStamp.token");
const INSTALLED = Symbol.for("herald.peerStamp.installed");
type Globals = { [TOKEN]?: string; [INSTALLED]?: boolean };

/**
 * A secret of this process that every stamp starts with: a client can send its own `x-herald-peer`, and the stamp
 * replaces it, but a request accepted before the stamp was installed (while the server boots) would keep the
 * client's. Without the secret such a header is ignored. Kept on globalThis: Next bundles the start-up code and the
 * routes separately, each with its own copy of this module.
 */
function stampToken(): string {
  const g = globalThis as Globals;
  return (g[TOKEN] ??= randomBytes(16).toString("hex"));
}

/** The header value that vouches for `address` as the peer of a request in this process. */
export function peerStamp(address: string): string {
  return `${stampToken()} ${address}`;
}

function stampedPeer(headers: Headers): string | undefined {
  const value = headers.get(PEER_HEADER);
  const space = value?.indexOf(" ") ?? -1;
  if (!value || space < 0) return undefined;
  const given = Buffer.from(value.slice(0, space));
  const expected = Buffer.from(stampToken());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return value.slice(space + 1);
}

/**
 * Makes every HTTP(S) server in this process write each request's socket address into `PEER_HEADER` before anyone
 * else sees the request, replacing whatever the client sent. Called once at server start (instrumentation);
 * calling it again does nothing.
 */
export function installPeerStamp(): void {
  const g = globalThis as Globals;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit as (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;
    Server.prototype.emit = function stampRequest(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
      if (event === "request") {
        const request = args[0] as http.IncomingMessage;
        request.headers[PEER_HEADER] = peerStamp(request.socket?.remoteAddress ?? "");
      }
      return emit.call(this, event, ...args);
    };
  }
}

/**
 * One address as a throttle key: without a port or brackets, IPv4-mapped IPv6 as IPv4, lower case; "unknown" for
 * anything that is not an IP address.
 */
export function normalizeAddress(value: string | undefined): string {
  let address = value?.trim().toLowerCase() ?? "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.indexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) address = mapped[1]!;
  return isIP(address) ? address : "unknown";
}

/**
 * The client's address, from the socket and the trusted proxies in front of the app. With no trusted proxy (0) it is
 * the socket's peer and `X-Forwarded-For` is ignored: the client wrote it. With N proxies, each of which appends the
 * address it received the request from, the last N entries are theirs and the Nth from the right is the client as
 * the outermost proxy saw it; anything further left came from the client. A list shorter than N (a request that
 * reached an inner proxy directly) yields its leftmost entry, still one a trusted proxy wrote.
 */
export function clientAddressFrom(headers: Headers, trustedProxyHops: number): string {
  if (trustedProxyHops <= 0) return normalizeAddress(stampedPeer(headers));
  const forwarded = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (forwarded.length === 0) return normalizeAddress(stampedPeer(headers));
  return normalizeAddress(forwarded[Math.max(0, forwarded.length - trustedProxyHops)]);
}

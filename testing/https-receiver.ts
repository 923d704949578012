import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ensureTestCertificates } from "./test-ca";

/** One request as the receiver saw it once its body had fully arrived. */
export interface ReceivedRequest {
  method: string;
  /** Path and query string, as sent on the request line. */
  path: string;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** UTF-8 body, or "" when the receiver was started with `recordBodies: false`. */
  body: string;
  /** `Date.now()` when the body was complete. */
  receivedAt: number;
}

/** How the receiver answers one request. */
export type Behaviour =
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  /** Read the request, never answer. */
  | { kind: "hang" }
  /** Destroy the socket after reading the request: the client sees ECONNRESET ("socket hang up"). */
  | { kind: "reset" }
  | { kind: "redirect"; location: string; status?: 301 | 302 | 307 | 308 }
  /** Stream a body of exactly `bytes` bytes. */
  | { kind: "large"; bytes: number; status?: number }
  /** Send headers, then one byte every `intervalMs`, `chunks` times. */
  | { kind: "drip"; intervalMs: number; chunks: number }
  /** Write bytes that are not HTTP on the TLS socket and close it: the client's parser fails with an HPE_* code. */
  | { kind: "invalid-http" }
  /** Send 200 headers promising `bytes` (default 1,000) and half of them, then destroy the socket mid-body. */
  | { kind: "reset-mid-body"; bytes?: number }
  /**
   * Answer `101 Switching Protocols` (with `Upgrade: websocket` unless `upgradeHeader` is false) and keep the socket
   * open without another byte: a receiver that took the webhook for a WebSocket handshake.
   */
  | { kind: "switching-protocols"; upgradeHeader?: boolean }
  /** Send `103 Early Hints` every `intervalMs` (default 50) and never a final response. */
  | { kind: "endless-informational"; intervalMs?: number };

/** A running HTTPS receiver on a real port. */
export interface Receiver {
  /** Origin without trailing slash, e.g. `https://127.0.0.1:43121`. */
  url: string;
  port: number;
  /** Requests in the order their bodies completed; `reset()` empties this same array. */
  requests: ReceivedRequest[];
  /** Behaviours consumed in order per request; when the queue is empty, `fallback` (default 200 "ok") is used. */
  enqueue(...behaviours: Behaviour[]): void;
  /** Replaces the behaviour used when the queue is empty. */
  setFallback(behaviour: Behaviour): void;
  /** Resolves with the first `n` requests once that many arrived; rejects after `timeoutMs` (default 5000). */
  waitForRequests(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** TCP connections accepted so far, whether or not a request followed (an SSRF check wants none at all). */
  connections(): number;
  /** Clears recorded requests and queued behaviours (not the fallback). */
  reset(): void;
  /** Stops listening and destroys every open socket, hanging or idle, so tests never wait on keep-alive. */
  close(): Promise<void>;
}

/** Options for {@link startReceiver}. */
export interface ReceiverOptions {
  /** Which certificate the server presents; only "trusted" chains to the test CA and is currently valid. */
  certificate?: "trusted" | "self-signed" | "expired";
  /** Address to listen on and to put in `url` (default 127.0.0.1; IPv6 literals such as "::1" work). */
  host?: string;
  /** Behaviour when the queue is empty (default 200 "ok"). */
  fallback?: Behaviour;
  /** Keep request bodies (default true); benchmarks turn this off to avoid holding every payload in memory. */
  recordBodies?: boolean;
}

const DEFAULT_FALLBACK: Behaviour = { kind: "status", status: 200, body: "ok" };
const LARGE_CHUNK = Buffer.alloc(64 * 1024, "x");

interface Waiter {
  n: number;
  resolve: (requests: ReceivedRequest[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Starts a real HTTPS server on an ephemeral port that records every request and answers with scripted
 * behaviours. Certificates come from {@link ensureTestCertificates}; clients trust the "trusted" one through
 * `NODE_EXTRA_CA_CERTS` or an explicit `ca`.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const certs = ensureTestCertificates();
  const tlsMaterial = {
    trusted: { key: certs.serverKey, cert: certs.serverCert },
    "self-signed": { key: certs.selfSignedKey, cert: certs.selfSignedCert },
    expired: { key: certs.expiredKey, cert: certs.expiredCert },
  }[options.certificate ?? "trusted"];
  const host = options.host ?? "127.0.0.1";
  const recordBodies = options.recordBodies ?? true;

  const requests: ReceivedRequest[] = [];
  const queue: Behaviour[] = [];
  let fallback = options.fallback ?? DEFAULT_FALLBACK;
  const waiters = new Set<Waiter>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  const record = (request: ReceivedRequest) => {
    requests.push(request);
    if (waiters.size === 0) return;
    for (const waiter of waiters) {
      if (requests.length >= waiter.n) {
        waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(requests.slice(0, waiter.n));
      }
    }
  };

  const server = https.createServer(
    tlsMaterial,
    (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      if (recordBodies) req.on("data", (chunk: Buffer) => chunks.push(chunk));
      else req.resume();
      req.on("end", () => {
        record({
          method: req.method ?? "",
          path: req.url ?? "",
          headers: flattenHeaders(req.headers),
          body: recordBodies ? Buffer.concat(chunks).toString("utf8") : "",
          receivedAt: Date.now(),
        });
        // Picked when the body completes so requests[i] is the one that got the i-th behaviour.
        respond(queue.shift() ?? fallback, req, res, later);
      });
    },
  );
  // Longer than any client pool's idle timeout, so the server never closes a pooled socket just as a client reuses
  // it (a spurious ECONNRESET mid-benchmark); close() tears idle sockets down anyway.
  server.keepAliveTimeout = 65_000;
  // Raw TCP sockets, so connections still in the TLS handshake are destroyed on close() as well.
  let accepted = 0;
  server.on("connection", (socket: Socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    requests,
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    setFallback: (behaviour) => {
      fallback = behaviour;
    },
    waitForRequests: (n, timeoutMs = 5_000) => {
      if (requests.length >= n) return Promise.resolve(requests.slice(0, n));
      if (closing) return Promise.reject(new Error(`Receiver ${url} is closed`));
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          n,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const seen = requests.map((r) => `${r.method} ${r.path}`).join(", ") || "none";
            reject(
              new Error(
                `Receiver ${url}: timed out after ${timeoutMs} ms waiting for ${n} request(s); ` +
                  `received ${requests.length} (${seen})`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    connections: () => accepted,
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`Receiver ${url} closed while waiting for ${waiter.n} request(s)`));
        }
        waiters.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function respond(
  behaviour: Behaviour,
  req: IncomingMessage,
  res: ServerResponse,
  later: (fn: () => void, ms: number) => void,
): void {
  switch (behaviour.kind) {
    case "status": {
      const send = () => {
        if (res.destroyed) return;
        const body = behaviour.body ?? "";
        const headers: Record<string, string | number> = {
          "content-type": "text/plain; charset=utf-8",
          "content-length": Buffer.byteLength(body),
        };
        // Lower-cased so a caller's "Content-Type" replaces the default instead of being sent twice.
        for (const [name, value] of Object.entries(behaviour.headers ?? {})) headers[name.toLowerCase()] = value;
        res.writeHead(behaviour.status, headers);
        res.end(body);
      };
      if (behaviour.delayMs) later(send, behaviour.delayMs);
      else send();
      return;
    }
    case "hang":
      return;
    case "reset":
      req.socket.destroy();
      return;
    case "redirect":
      res.writeHead(behaviour.status ?? 302, { location: behaviour.location, "content-length": 0 });
      res.end();
      return;
    case "large":
      streamLarge(res, behaviour.bytes, behaviour.status ?? 200);
      return;
    case "drip": {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": behaviour.chunks });
      res.flushHeaders();
      let sent = 0;
      const tick = () => {
        if (res.destroyed) return;
        if (sent >= behaviour.chunks) {
          res.end();
          return;
        }
        sent += 1;
        res.write(".");
        later(tick, behaviour.intervalMs);
      };
      later(tick, behaviour.intervalMs);
      return;
    }
    case "invalid-http":
      // Bypasses ServerResponse on purpose: the bytes go straight onto the TLS socket.
      req.socket.end("NOT HTTP\r\n\r\n");
      return;
    case "reset-mid-body": {
      const bytes = behaviour.bytes ?? 1000;
      res.writeHead(200, { "content-type": "text/plain", "content-length": bytes });
      res.write("x".repeat(Math.floor(bytes / 2)));
      // After the written half has left, so the client has a response in hand when the connection drops.
      later(() => req.socket.destroy(), 50);
      return;
    }
    case "switching-protocols": {
      // Raw bytes: ServerResponse refuses to send a 101 outside its own upgrade handling.
      const upgrade = behaviour.upgradeHeader === false ? "" : "Upgrade: websocket\r\nConnection: Upgrade\r\n";
      req.socket.write(`HTTP/1.1 101 Switching Protocols\r\n${upgrade}\r\n`);
      return;
    }
    case "endless-informational": {
      const tick = () => {
        if (res.destroyed || req.socket.destroyed) return;
        res.writeEarlyHints({ link: "</style.css>; rel=preload; as=style" });
        later(tick, behaviour.intervalMs ?? 50);
      };
      tick();
      return;
    }
  }
}

function streamLarge(res: ServerResponse, bytes: number, status: number): void {
  res.writeHead(status, { "content-type": "application/octet-stream", "content-length": bytes });
  let remaining = bytes;
  // Honours backpressure so a multi-megabyte body never sits in memory all at once.
  const pump = () => {
    while (remaining > 0 && !res.destroyed) {
      const size = Math.min(remaining, LARGE_CHUNK.length);
      remaining -= size;
      const chunk = size === LARGE_CHUNK.length ? LARGE_CHUNK : LARGE_CHUNK.subarray(0, size);
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

import { createHmac, createPublicKey, timingSafeEqual, verify } from "node:crypto";
import https from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { ensureTestCertificates } from "./test-ca";

/**
 * Webhook receivers written the way partners write them, good and bad, on a real HTTPS port: for the signature
 * verification self-test's tests (integration and Playwright). The strict one verifies with the Standard Webhooks
 * reference library (`standardwebhooks`) for v1, and node:crypto for v1a (the library has no ed25519); the lax ones
 * each have one classic gap.
 *
 * - `strict`: verifies the signature and the timestamp, de-duplicates by webhook-id (a repeat is acknowledged, not
 *   processed again).
 * - `no-verify`: accepts everything (checks nothing).
 * - `no-timestamp`: verifies the signature but never the timestamp: replays get through.
 * - `prefix`: compares only the first 8 characters of each signature (and checks the timestamp).
 * - `brand-only`: verifies only `X-<Brand>-Signature` (the body alone): no timestamp is covered.
 * - `not-idempotent`: strict, but refuses a webhook-id it has seen (409).
 * - `refuse-all`: answers 401 to everything (e.g. the wrong secret configured).
 */
export type ReceiverMode = "strict" | "no-verify" | "no-timestamp" | "prefix" | "brand-only" | "not-idempotent" | "refuse-all";

export interface VerifyingReceiver {
  url: string;
  mode: ReceiverMode;
  /** Every request as received (lower-case header names, raw body). */
  requests: { headers: Record<string, string>; body: string }[];
  /** The credential the receiver verifies with: a whsec_ secret (v1) or a whpk_ public key (v1a). */
  setKey(key: string): void;
  close(): Promise<void>;
}

const TOLERANCE_SECONDS = 5 * 60;

function flatten(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

function entries(header: string | undefined): { version: string; value: string }[] {
  return (header ?? "")
    .split(" ")
    .filter(Boolean)
    .map((entry) => {
      const [version, value] = entry.split(",");
      return { version: version ?? "", value: value ?? "" };
    });
}

const freshTimestamp = (headers: Record<string, string>) => Math.abs(Date.now() / 1000 - Number(headers["webhook-timestamp"])) <= TOLERANCE_SECONDS;

/** ed25519 v1a verification with only the public key, as the page's Node snippet does it. */
function verifiesV1a(publicKey: string, headers: Record<string, string>, body: string): boolean {
  const x = Buffer.from(publicKey.replace(/^whpk_/, ""), "base64").toString("base64url");
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  const signed = Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`);
  return entries(headers["webhook-signature"]).some((e) => e.version === "v1a" && verify(null, signed, key, Buffer.from(e.value, "base64")));
}

/** The signature check alone (no timestamp), with the reference library's own signing for v1. */
function signatureMatches(key: string, headers: Record<string, string>, body: string, compare: (given: string, expected: string) => boolean): boolean {
  if (!headers["webhook-id"] || !headers["webhook-timestamp"] || !headers["webhook-signature"]) return false;
  if (key.startsWith("whpk_")) return verifiesV1a(key, headers, body);
  const expected = new Webhook(key).sign(headers["webhook-id"], new Date(Number(headers["webhook-timestamp"]) * 1000), body).split(",")[1]!;
  return entries(headers["webhook-signature"]).some((e) => e.version === "v1" && compare(e.value, expected));
}

const constantTime = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function decide(mode: ReceiverMode, key: string, headers: Record<string, string>, body: string, seen: Set<string>, brand: string): { status: number; body: string } {
  const id = headers["webhook-id"] ?? "";
  const deny = (why: string) => ({ status: 401, body: JSON.stringify({ error: why }) });
  const accept = () => {
    const repeat = seen.has(id);
    seen.add(id);
    if (repeat && mode === "not-idempotent") return { status: 409, body: JSON.stringify({ error: "already received" }) };
    return { status: 200, body: JSON.stringify({ received: true, duplicate: repeat }) };
  };
  switch (mode) {
    case "no-verify":
      return accept();
    case "refuse-all":
      return deny("invalid signature");
    case "no-timestamp":
      return signatureMatches(key, headers, body, constantTime) ? accept() : deny("invalid signature");
    case "prefix":
      if (!freshTimestamp(headers)) return deny("stale");
      return signatureMatches(key, headers, body, (given, expected) => given.slice(0, 8) === expected.slice(0, 8)) ? accept() : deny("invalid signature");
    case "brand-only": {
      const expected = createHmac("sha256", Buffer.from(key.replace(/^whsec_/, ""), "base64")).update(body).digest("hex");
      const given = (headers[`x-${brand.toLowerCase()}-signature`] ?? "").split(",");
      return given.some((g) => constantTime(g.trim(), expected)) ? accept() : deny("invalid signature");
    }
    case "strict":
    case "not-idempotent": {
      if (key.startsWith("whpk_")) return freshTimestamp(headers) && verifiesV1a(key, headers, body) ? accept() : deny("invalid signature");
      try {
        new Webhook(key).verify(body, headers);
        return accept();
      } catch (error) {
        if (error instanceof WebhookVerificationError) return deny(error.message);
        return { status: 400, body: JSON.stringify({ error: "bad body" }) };
      }
    }
  }
}

/** Starts a receiver on an ephemeral loopback port (trusted through the test CA). */
export async function startVerifyingReceiver(mode: ReceiverMode, options: { key?: string; host?: string; brand?: string } = {}): Promise<VerifyingReceiver> {
  const certs = ensureTestCertificates();
  const host = options.host ?? "127.0.0.1";
  const brand = options.brand ?? "Herald";
  let key = options.key ?? "";
  const seen = new Set<string>();
  const requests: VerifyingReceiver["requests"] = [];
  const sockets = new Set<Socket>();
  const server = https.createServer({ key: certs.serverKey, cert: certs.serverCert }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = flatten(req.headers);
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ headers, body });
      let answer: { status: number; body: string };
      try {
        answer = decide(mode, key, headers, body, seen, brand);
      } catch (error) {
        // A receiver bug (or no key set yet) answers 500, as a crashed handler would, instead of never answering.
        answer = { status: 500, body: JSON.stringify({ error: String(error) }) };
      }
      res.writeHead(answer.status, { "content-type": "application/json", "content-length": Buffer.byteLength(answer.body) });
      res.end(answer.body);
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    mode,
    requests,
    setKey: (next) => {
      key = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startReceiver, type Receiver } from "@/testing/https-receiver";
import { ensureTestCertificates, type TestCertificates } from "@/testing/test-ca";

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** `Date.now()` of every body chunk, to see how the body was paced. */
  chunkTimes: number[];
  reusedSocket: boolean;
}

interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  agent?: https.Agent;
  servername?: string;
}

let certs: TestCertificates;

// The integration project's global setup exports NODE_EXTRA_CA_CERTS, but workers may start before the CA file
// exists on a first run; an explicit `ca` keeps these tests independent of that wiring.
function send(url: string, options: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(options.path ?? "/", url),
      {
        method: options.method ?? "GET",
        headers: options.headers,
        ca: certs.caCert,
        agent: options.agent ?? false,
        servername: options.servername,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const chunkTimes: number[] = [];
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          chunkTimes.push(Date.now());
        });
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            chunkTimes,
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    if (options.timeoutMs !== undefined) {
      req.setTimeout(options.timeoutMs, () =>
        req.destroy(Object.assign(new Error(`client timeout after ${options.timeoutMs} ms`), { code: "CLIENT_TIMEOUT" })),
      );
    }
    req.on("error", reject);
    req.end(options.body);
  });
}

async function errorCodeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
  throw new Error("expected the request to fail");
}

beforeAll(() => {
  certs = ensureTestCertificates();
});

describe("startReceiver (trusted certificate)", () => {
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => {
    receiver.reset();
    receiver.setFallback({ kind: "status", status: 200, body: "ok" });
  });
  afterAll(async () => {
    await receiver.close();
  });

  it("records a POST with lower-cased headers and the body", async () => {
    expect(receiver.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(receiver.url).toBe(`https://127.0.0.1:${receiver.port}`);

    const payload = JSON.stringify({ type: "invoice.paid", data: { id: "inv_1", note: "héllo" } });
    const reply = await send(receiver.url, {
      method: "POST",
      path: "/hooks/herald?x=1",
      headers: { "Content-Type": "application/json", "X-Herald-Signature": "v1=abc" },
      body: payload,
    });

    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("ok");
    const [request] = await receiver.waitForRequests(1);
    expect(request).toMatchObject({
      method: "POST",
      path: "/hooks/herald?x=1",
      body: payload,
      headers: { "content-type": "application/json", "x-herald-signature": "v1=abc", host: `127.0.0.1:${receiver.port}` },
    });
    expect(request?.receivedAt).toBeGreaterThan(Date.now() - 10_000);
  });

  it("answers queued behaviours in order, then the fallback", async () => {
    receiver.enqueue(
      { kind: "status", status: 500, body: "boom" },
      { kind: "status", status: 200, body: "{}", headers: { "Content-Type": "application/json" } },
    );

    const first = await send(receiver.url, { method: "POST", body: "1" });
    const second = await send(receiver.url, { method: "POST", body: "2" });
    const third = await send(receiver.url, { method: "POST", body: "3" });

    expect([first.status, first.body.toString()]).toEqual([500, "boom"]);
    expect([second.status, second.body.toString(), second.headers["content-type"]]).toEqual([200, "{}", "application/json"]);
    expect([third.status, third.body.toString()]).toEqual([200, "ok"]);
    expect(receiver.requests.map((r) => r.body)).toEqual(["1", "2", "3"]);
  });

  it("uses a replaced fallback and delays a status answer", async () => {
    receiver.setFallback({ kind: "status", status: 503, delayMs: 150 });
    const started = Date.now();
    const reply = await send(receiver.url);
    expect(reply.status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("redirects with a Location header and does not follow it itself", async () => {
    receiver.enqueue({ kind: "redirect", location: "https://example.invalid/elsewhere" });
    const reply = await send(receiver.url, { method: "POST", body: "{}" });
    expect(reply.status).toBe(302);
    expect(reply.headers.location).toBe("https://example.invalid/elsewhere");
    expect(receiver.requests).toHaveLength(1);

    receiver.enqueue({ kind: "redirect", location: "/moved", status: 308 });
    expect((await send(receiver.url)).status).toBe(308);
  });

  it("streams a 1 MB body that arrives complete", async () => {
    const bytes = 1024 * 1024;
    receiver.enqueue({ kind: "large", bytes });
    const reply = await send(receiver.url);
    expect(reply.status).toBe(200);
    expect(reply.headers["content-length"]).toBe(String(bytes));
    expect(reply.body.length).toBe(bytes);
    expect(reply.body.every((b) => b === 0x78)).toBe(true);
  });

  it("drips the body one byte per interval", async () => {
    receiver.enqueue({ kind: "drip", intervalMs: 40, chunks: 5 });
    const started = Date.now();
    const reply = await send(receiver.url);
    expect(reply.body.toString()).toBe(".....");
    expect(reply.chunkTimes.length).toBeGreaterThanOrEqual(3);
    const first = reply.chunkTimes[0] ?? 0;
    const last = reply.chunkTimes.at(-1) ?? 0;
    expect(first - started).toBeGreaterThanOrEqual(30);
    expect(last - first).toBeGreaterThanOrEqual(120);
  });

  it("resets the connection after reading the request", async () => {
    receiver.enqueue({ kind: "reset" });
    expect(await errorCodeOf(send(receiver.url, { method: "POST", body: "x" }))).toBe("ECONNRESET");
    expect(receiver.requests.map((r) => r.body)).toEqual(["x"]);
  });

  it("writes something that is not HTTP, which the client cannot parse", async () => {
    receiver.enqueue({ kind: "invalid-http" });
    expect(await errorCodeOf(send(receiver.url))).toMatch(/^HPE_/);
  });

  it("hangs until the client gives up", async () => {
    receiver.enqueue({ kind: "hang" });
    const started = Date.now();
    expect(await errorCodeOf(send(receiver.url, { method: "POST", body: "{}", timeoutMs: 200 }))).toBe("CLIENT_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(receiver.requests).toHaveLength(1);
  });

  it("keeps connections alive for pooled clients", async () => {
    const agent = new https.Agent({ keepAlive: true, ca: certs.caCert });
    try {
      const first = await send(receiver.url, { agent });
      const second = await send(receiver.url, { agent });
      expect(first.reusedSocket).toBe(false);
      expect(second.reusedSocket).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it("serves every name on the certificate and nothing else", async () => {
    expect((await send(receiver.url, { servername: "receiver.test" })).status).toBe(200);
    expect((await send(receiver.url, { servername: "localhost" })).status).toBe(200);
    expect(await errorCodeOf(send(receiver.url, { servername: "partner.example" }))).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("rejects waitForRequests with a message naming what arrived", async () => {
    await send(receiver.url, { path: "/only-one" });
    await expect(receiver.waitForRequests(2, 100)).rejects.toThrow(
      /timed out after 100 ms waiting for 2 request\(s\); received 1 \(GET \/only-one\)/,
    );
  });

  it("resolves waitForRequests as requests arrive", async () => {
    const waiting = receiver.waitForRequests(3);
    await Promise.all([1, 2, 3].map((i) => send(receiver.url, { path: `/${i}` })));
    expect((await waiting).map((r) => r.path).sort()).toEqual(["/1", "/2", "/3"]);
  });
});

describe("startReceiver lifecycle and options", () => {
  it("closes quickly with hanging requests and idle keep-alive sockets open", async () => {
    const receiver = await startReceiver({ fallback: { kind: "hang" } });
    const agent = new https.Agent({ keepAlive: true, ca: certs.caCert });
    try {
      receiver.enqueue({ kind: "status", status: 204 });
      expect((await send(receiver.url, { agent })).status).toBe(204);
      // Handlers attached now: both promises reject during close(), before the assertions run.
      const hanging = errorCodeOf(send(receiver.url, { method: "POST", body: "{}" }));
      const pendingWait = receiver.waitForRequests(10, 60_000).catch((error: unknown) => error);
      await receiver.waitForRequests(2);

      const started = Date.now();
      await receiver.close();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(await hanging).toBe("ECONNRESET");
      expect(String(await pendingWait)).toMatch(/closed while waiting for 10 request/);
      await receiver.close();
    } finally {
      agent.destroy();
    }
  });

  it("keeps headers but not bodies when recordBodies is false", async () => {
    const receiver = await startReceiver({ recordBodies: false });
    try {
      await send(receiver.url, { method: "POST", body: "x".repeat(100_000), headers: { "X-Event": "a" } });
      const [request] = await receiver.waitForRequests(1);
      expect(request?.body).toBe("");
      expect(request?.headers["x-event"]).toBe("a");
      expect(request?.headers["content-length"]).toBe("100000");
    } finally {
      await receiver.close();
    }
  });

  it("presents a self-signed certificate that the test CA does not vouch for", async () => {
    const receiver = await startReceiver({ certificate: "self-signed" });
    try {
      expect(await errorCodeOf(send(receiver.url))).toMatch(/^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });

  it("presents an expired certificate", async () => {
    const receiver = await startReceiver({ certificate: "expired" });
    try {
      expect(await errorCodeOf(send(receiver.url))).toBe("CERT_HAS_EXPIRED");
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await receiver.close();
    }
  });
});

describe("ensureTestCertificates", () => {
  const tempDirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "herald-certs-"));
    tempDirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("defaults to .data/test-certs with a CA file for NODE_EXTRA_CA_CERTS", () => {
    expect(certs.dir).toBe(path.join(process.cwd(), ".data", "test-certs"));
    expect(certs.caCertPath).toBe(path.join(certs.dir, "ca.crt"));
    expect(fs.readFileSync(certs.caCertPath, "utf8")).toBe(certs.caCert);
  });

  it("creates the CA, server, self-signed and expired certificates with private keys", () => {
    const dir = tempDir();
    const created = ensureTestCertificates(dir);
    const ca = new X509Certificate(created.caCert);
    const server = new X509Certificate(created.serverCert);
    const selfSigned = new X509Certificate(created.selfSignedCert);
    const expired = new X509Certificate(created.expiredCert);
    const year = 365 * 24 * 60 * 60 * 1000;

    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain("CN=Herald Test CA");
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9.9 * year);

    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toBe(
      "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost, DNS:*.localhost, DNS:receiver.test",
    );
    expect(server.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
    expect(Date.parse(server.validTo) - Date.now()).toBeGreaterThan(1.9 * year);

    expect(selfSigned.verify(ca.publicKey)).toBe(false);
    expect(selfSigned.verify(selfSigned.publicKey)).toBe(true);
    expect(selfSigned.subjectAltName).toBe(server.subjectAltName);

    expect(expired.verify(ca.publicKey)).toBe(true);
    expect(Date.parse(expired.validTo)).toBeLessThan(Date.now());

    for (const key of ["ca.key", "server.key", "self-signed.key", "expired.key"]) {
      expect(fs.statSync(path.join(dir, key)).mode & 0o777).toBe(0o600);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(
      ["ca.crt", "ca.key", "expired.crt", "expired.key", "self-signed.crt", "self-signed.key", "server.crt", "server.key"],
    );
  });

  it("reuses a valid set and regenerates an invalid one", () => {
    const dir = tempDir();
    const first = ensureTestCertificates(dir);
    const mtime = fs.statSync(first.caCertPath).mtimeMs;
    expect(ensureTestCertificates(dir)).toEqual(first);
    expect(fs.statSync(first.caCertPath).mtimeMs).toBe(mtime);

    // An expired certificate where the server certificate belongs must not be served to tests.
    fs.copyFileSync(path.join(dir, "expired.crt"), path.join(dir, "server.crt"));
    fs.copyFileSync(path.join(dir, "expired.key"), path.join(dir, "server.key"));
    const regenerated = ensureTestCertificates(dir);
    expect(regenerated.caCert).not.toBe(first.caCert);
    expect(Date.parse(new X509Certificate(regenerated.serverCert).validTo)).toBeGreaterThan(Date.now());

    fs.rmSync(path.join(dir, "self-signed.key"));
    expect(ensureTestCertificates(dir).selfSignedKey).toContain("PRIVATE KEY");
  });

  it("agrees on one set when several processes create it at once", async () => {
    const dir = tempDir();
    const modulePath = fileURLToPath(new URL("./test-ca.ts", import.meta.url));
    const script = `
      const mod = await import(${JSON.stringify(modulePath)});
      const { ensureTestCertificates } = mod.default ?? mod;
      process.stdout.write(ensureTestCertificates(${JSON.stringify(dir)}).caCert);
    `;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ["--import", "tsx", "--input-type=module", "-e", script],
          { cwd: process.cwd(), timeout: 30_000 },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        );
      });

    const cas = await Promise.all([run(), run(), run(), run()]);
    expect(new Set(cas).size).toBe(1);
    expect(ensureTestCertificates(dir).caCert).toBe(cas[0]);
  });
});

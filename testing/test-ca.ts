import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** PEM material for HTTPS receivers in tests, plus where the CA certificate lives for `NODE_EXTRA_CA_CERTS`. */
export interface TestCertificates {
  /** Absolute folder holding the files. */
  dir: string;
  /** Absolute path of the test CA certificate (PEM); point `NODE_EXTRA_CA_CERTS` here. */
  caCertPath: string;
  caCert: string;
  /** Key and certificate for 127.0.0.1, ::1, localhost, *.localhost and receiver.test, signed by the test CA. */
  serverKey: string;
  serverCert: string;
  /** Same names, self-signed: a client trusting only the test CA must reject it. */
  selfSignedKey: string;
  selfSignedCert: string;
  /** Signed by the test CA but valid only on 2020-01-01: a client must reject it as expired. */
  expiredKey: string;
  expiredCert: string;
}

const FILES = {
  caKey: "ca.key",
  caCert: "ca.crt",
  serverKey: "server.key",
  serverCert: "server.crt",
  selfSignedKey: "self-signed.key",
  selfSignedCert: "self-signed.crt",
  expiredKey: "expired.key",
  expiredCert: "expired.crt",
} as const;

type Pems = Record<keyof typeof FILES, string>;

const KEY_NAMES = ["caKey", "serverKey", "selfSignedKey", "expiredKey"] as const;
const CERT_NAMES = ["caCert", "serverCert", "selfSignedCert", "expiredCert"] as const;

const CA_NAME = "Herald Test CA";
const DAY_MS = 24 * 60 * 60 * 1000;
// A crashed generator leaves its lock behind; generation takes well under a second, so this is generous.
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 60_000;

// Our own config instead of the system openssl.cnf: distributions' defaults add extensions (e.g. CA:TRUE on
// `req -x509`) that would clash with ours. Paths are relative because openssl runs with the work folder as cwd,
// which keeps `$` or spaces in the project path away from openssl's config parser.
const OPENSSL_CONFIG = `# Written by testing/test-ca.ts for one generation run.
[req]
distinguished_name = req_dn
[req_dn]

[ca_ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost, DNS:*.localhost, DNS:receiver.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer

# \`openssl ca\` is only used for the expired certificate: unlike \`openssl x509 -req\` in OpenSSL < 3.4,
# it accepts explicit -startdate/-enddate, so the certificate can lie entirely in the past.
[ca]
default_ca = expired_ca
[expired_ca]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[policy_any]
commonName = supplied
`;

/**
 * Returns the test CA and receiver certificates in `dir` (default `.data/test-certs` under the working directory),
 * creating them with the `openssl` CLI when missing, inconsistent or expiring within a day.
 *
 * Synchronous so it can run in a vitest global setup before workers start (Node reads `NODE_EXTRA_CA_CERTS` once,
 * at process start). Safe to call from several processes at once: generation happens under a lock folder, in a
 * temporary folder, and files are renamed into place.
 */
export function ensureTestCertificates(dir: string = path.join(process.cwd(), ".data", "test-certs")): TestCertificates {
  const abs = path.resolve(dir);
  const existing = loadValid(abs);
  if (existing) return existing;

  fs.mkdirSync(abs, { recursive: true });
  return withLock(abs, () => {
    // Another process may have generated the set while we waited for the lock.
    const current = loadValid(abs);
    if (current) return current;
    generate(abs);
    const fresh = loadValid(abs);
    if (!fresh) throw new Error(`Test certificates generated in ${abs} failed validation`);
    return fresh;
  });
}

function loadValid(dir: string): TestCertificates | undefined {
  const pems = {} as Pems;
  for (const [name, file] of Object.entries(FILES) as [keyof Pems, string][]) {
    try {
      pems[name] = fs.readFileSync(path.join(dir, file), "utf8");
    } catch {
      return undefined;
    }
  }
  if (!isConsistent(pems)) return undefined;
  return {
    dir,
    caCertPath: path.join(dir, FILES.caCert),
    caCert: pems.caCert,
    serverKey: pems.serverKey,
    serverCert: pems.serverCert,
    selfSignedKey: pems.selfSignedKey,
    selfSignedCert: pems.selfSignedCert,
    expiredKey: pems.expiredKey,
    expiredCert: pems.expiredCert,
  };
}

// Readers do not take the lock, so they can observe a half-renamed set (new CA, old server certificate); checking
// signatures and key pairs turns that into "invalid" and sends them to wait for the lock instead.
function isConsistent(pems: Pems): boolean {
  try {
    const ca = new X509Certificate(pems.caCert);
    const server = new X509Certificate(pems.serverCert);
    const selfSigned = new X509Certificate(pems.selfSignedCert);
    const expired = new X509Certificate(pems.expiredCert);
    const now = Date.now();
    const lastsADay = (cert: X509Certificate) => Date.parse(cert.validTo) - now > DAY_MS;
    const servesAllNames = (cert: X509Certificate) =>
      cert.checkIP("127.0.0.1") !== undefined &&
      cert.checkIP("::1") !== undefined &&
      cert.checkHost("receiver.test") !== undefined &&
      cert.checkHost("localhost") !== undefined;

    return (
      ca.ca &&
      ca.subject.includes(`CN=${CA_NAME}`) &&
      lastsADay(ca) &&
      ca.checkPrivateKey(createPrivateKey(pems.caKey)) &&
      !server.ca &&
      server.checkIssued(ca) &&
      server.verify(ca.publicKey) &&
      lastsADay(server) &&
      servesAllNames(server) &&
      server.checkPrivateKey(createPrivateKey(pems.serverKey)) &&
      !selfSigned.ca &&
      selfSigned.verify(selfSigned.publicKey) &&
      lastsADay(selfSigned) &&
      servesAllNames(selfSigned) &&
      selfSigned.checkPrivateKey(createPrivateKey(pems.selfSignedKey)) &&
      expired.checkIssued(ca) &&
      expired.verify(ca.publicKey) &&
      Date.parse(expired.validTo) < now &&
      servesAllNames(expired) &&
      expired.checkPrivateKey(createPrivateKey(pems.expiredKey))
    );
  } catch {
    return false;
  }
}

function generate(dir: string): void {
  const work = fs.mkdtempSync(path.join(dir, ".generate-"));
  try {
    fs.writeFileSync(path.join(work, "openssl.cnf"), OPENSSL_CONFIG);
    for (const name of KEY_NAMES) {
      // P-256 keys come from node:crypto: instant, and written 0600 from the first byte.
      const { privateKey } = generateKeyPairSync("ec", {
        namedCurve: "prime256v1",
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      });
      fs.writeFileSync(path.join(work, FILES[name]), privateKey, { mode: 0o600 });
    }

    const config = ["-config", "openssl.cnf"];
    openssl(work, ["req", "-new", "-x509", ...config, "-key", FILES.caKey, "-subj", `/CN=${CA_NAME}`,
      "-days", "3650", "-sha256", "-set_serial", serial(), "-extensions", "ca_ext", "-out", FILES.caCert]);

    openssl(work, ["req", "-new", ...config, "-key", FILES.serverKey, "-subj", "/O=Herald Tests/CN=localhost",
      "-out", "server.csr"]);
    openssl(work, ["x509", "-req", "-in", "server.csr", "-CA", FILES.caCert, "-CAkey", FILES.caKey,
      "-set_serial", serial(), "-days", "730", "-sha256", "-extfile", "openssl.cnf", "-extensions", "server_ext",
      "-out", FILES.serverCert]);

    openssl(work, ["req", "-new", "-x509", ...config, "-key", FILES.selfSignedKey,
      "-subj", "/O=Herald Tests/CN=Herald Untrusted Receiver", "-days", "730", "-sha256", "-set_serial", serial(),
      "-extensions", "server_ext", "-out", FILES.selfSignedCert]);

    openssl(work, ["req", "-new", ...config, "-key", FILES.expiredKey,
      "-subj", "/O=Herald Tests/CN=Herald Expired Receiver", "-out", "expired.csr"]);
    fs.writeFileSync(path.join(work, "index.txt"), "");
    fs.writeFileSync(path.join(work, "serial"), `${serial().slice(2)}\n`);
    // UTCTime (two-digit year) is what RFC 5280 mandates before 2050 and what every OpenSSL version parses.
    openssl(work, ["ca", "-batch", ...config, "-cert", FILES.caCert, "-keyfile", FILES.caKey, "-in", "expired.csr",
      "-startdate", "200101000000Z", "-enddate", "200102000000Z", "-extensions", "server_ext", "-notext",
      "-out", FILES.expiredCert]);

    // Keys first, CA certificate last: a concurrent reader sees a mixed set as inconsistent, never a CA whose
    // server certificate is still missing.
    for (const name of [...KEY_NAMES, ...CERT_NAMES.filter((n) => n !== "caCert"), "caCert" as const]) {
      fs.renameSync(path.join(work, FILES[name]), path.join(dir, FILES[name]));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === "ENOENT") throw new Error("The openssl CLI is required for test certificates but is not on PATH");
    const stderr = err.stderr?.toString().trim();
    throw new Error(`openssl ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`, { cause: error });
  }
}

// Random serials: a regenerated CA must never issue a serial a client may have cached for the previous one.
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // keep it positive, as DER integers are signed
  return `0x${bytes.toString("hex")}`;
}

function withLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, ".lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      // mkdir is atomic everywhere, including network filesystems where O_EXCL is not.
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const age = lockAge(lock);
    if (age !== undefined && age > STALE_LOCK_MS) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${LOCK_WAIT_MS} ms waiting for ${lock}; remove it if no test run is active`);
    }
    sleepSync(50);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function lockAge(lock: string): number | undefined {
  try {
    return Date.now() - fs.statSync(lock).mtimeMs;
  } catch {
    return undefined;
  }
}

// The whole function is synchronous by design (see ensureTestCertificates), so waiting must block too.
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

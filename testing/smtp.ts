import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** A message the capture server received, parsed (MIME decoded) the way a mail client would show it. */
export interface CapturedEmail {
  /** The envelope sender (MAIL FROM) and the From header. */
  envelopeFrom: string;
  from: string;
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers: Map<string, unknown>;
  /** http(s) links found in the text part, in order. The first is the email's call to action. */
  links: string[];
  /** Whether the client authenticated, and as whom. */
  authUser: string | undefined;
  raw: string;
  receivedAt: Date;
}

export interface SmtpCapture {
  /** `smtp://127.0.0.1:<port>` (with the credentials when the capture requires them): what SMTP_URL should be. */
  url: string;
  port: number;
  /** Every message received, oldest first. */
  messages: CapturedEmail[];
  /**
   * The next message to `to` (case-insensitive) that no earlier `waitFor` returned, optionally also matching `match`;
   * waits up to `timeoutMs` (10 s) for it to arrive.
   */
  waitFor(to: string, options?: { match?: (m: CapturedEmail) => boolean; timeoutMs?: number }): Promise<CapturedEmail>;
  /** Refuse the next `count` messages at RCPT TO with `code` (451: try again later; 550: refused for good). */
  refuse(count: number, code?: number): void;
  /** How many messages were refused so far. */
  refusedCount(): number;
  close(): Promise<void>;
}

const addresses = (value: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(value) ? value : value ? [value] : []).map((a) => a.text).join(", ");

/**
 * A real SMTP server on loopback for tests (smtp-server): no TLS, optional AUTH PLAIN/LOGIN, every message parsed with
 * mailparser. Start it before the code under test reads SMTP_URL (e.g. at the top of a test file, before the dynamic
 * imports), or on a fixed `port` that the e2e server's SMTP_URL names.
 */
export async function startSmtpCapture(options: { port?: number; host?: string; auth?: { user: string; pass: string } } = {}): Promise<SmtpCapture> {
  const host = options.host ?? "127.0.0.1";
  const messages: CapturedEmail[] = [];
  const taken = new Set<CapturedEmail>();
  const waiters = new Set<() => boolean>();
  let refuseLeft = 0;
  let refuseCode = 451;
  let refused = 0;

  const serverOptions: SMTPServerOptions = {
    // Plain SMTP on loopback: nodemailer connects without STARTTLS, as it would to a local relay.
    disabledCommands: options.auth ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
        return;
      }
      callback(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (refuseLeft > 0) {
        refuseLeft -= 1;
        refused += 1;
        const message = refuseCode >= 500 ? "Mailbox unavailable" : "Try again later";
        callback(Object.assign(new Error(message), { responseCode: refuseCode }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const text = parsed.text ?? "";
            messages.push({
              envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              from: addresses(parsed.from),
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? "",
              html: typeof parsed.html === "string" ? parsed.html : "",
              text,
              headers: parsed.headers as Map<string, unknown>,
              links: [...text.matchAll(/https?:\/\/[^\s<>"')]+/g)].map((m) => m[0]),
              authUser: typeof session.user === "string" ? session.user : undefined,
              raw: raw.toString("utf8"),
              receivedAt: new Date(),
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // A client that drops the connection mid-message must not crash the test process.
  server.on("error", () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  const credentials = options.auth ? `${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@` : "";

  const find = (to: string, match?: (m: CapturedEmail) => boolean) =>
    messages.find((m) => !taken.has(m) && m.to.includes(to.toLowerCase()) && (!match || match(m)));

  return {
    url: `smtp://${credentials}${host}:${port}`,
    port,
    messages,
    waitFor(to, { match, timeoutMs = 10_000 } = {}) {
      return new Promise<CapturedEmail>((resolve, reject) => {
        const check = () => {
          const found = find(to, match);
          if (!found) return false;
          taken.add(found);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no email to ${to} within ${timeoutMs} ms (received: ${messages.map((m) => `${m.to.join(",")} "${m.subject}"`).join("; ") || "none"})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    refuse(count, code = 451) {
      refuseLeft = count;
      refuseCode = code;
    },
    refusedCount: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

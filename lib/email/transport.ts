import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

export interface OutgoingEmail {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra headers stored with the email (List-Unsubscribe and List-Unsubscribe-Post on alerts). */
  headers?: Record<string, string> | null;
}

export type SendOutcome =
  | { ok: true; messageId: string }
  /** `permanent`: the server refused the message for good (a 5xx answer); retrying would not help. */
  | { ok: false; permanent: boolean; error: string };

const globalStore = globalThis as typeof globalThis & { __heraldMailer?: { url: string; transporter: Transporter } };

/** Whether SMTP_URL is set: without it Herald keeps emails instead of sending them. */
export function smtpConfigured(): boolean {
  return Boolean(env.email.smtpUrl);
}

function transporter(url: string): Transporter {
  const cached = globalStore.__heraldMailer;
  if (cached?.url === url) return cached.transporter;
  // Timeouts well under nodemailer's defaults (2 and 10 minutes): a stuck server fails the attempt, and the
  // workflow's backoff decides when to try again.
  const created = nodemailer.createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
  globalStore.__heraldMailer = { url, transporter: created };
  return created;
}

/** An SMTP error as a short line for the emails table: the server's answer or the connection error, never credentials. */
function describe(error: unknown): { message: string; permanent: boolean } {
  const e = error as { message?: string; responseCode?: number; code?: string };
  const code = typeof e.responseCode === "number" ? e.responseCode : undefined;
  const message = (e.message ?? String(error)).replace(/\s+/g, " ").trim();
  return { message: code && !message.includes(String(code)) ? `${code} ${message}` : message, permanent: code !== undefined && code >= 500 };
}

/** Sends one email through SMTP_URL from MAIL_FROM. Never throws: the outcome says what happened. */
export async function sendThroughSmtp(email: OutgoingEmail): Promise<SendOutcome> {
  const url = env.email.smtpUrl;
  if (!url) return { ok: false, permanent: true, error: "SMTP_URL is not set" };
  try {
    const info = (await transporter(url).sendMail({
      from: env.email.from,
      to: email.to,
      subject: email.subject,
      html: email.html,
      text: email.text,
      // Lets a person (or a test) match a received message to its row under Admin -> Emails.
      headers: { ...email.headers, "X-Herald-Email-Id": email.id },
    })) as { messageId?: string };
    return { ok: true, messageId: info.messageId ?? "" };
  } catch (error) {
    const { message, permanent } = describe(error);
    return { ok: false, permanent, error: message };
  }
}

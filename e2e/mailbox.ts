import { expect } from "@playwright/test";

/** Where the e2e SMTP capture server (testing/smtp-capture-server.ts) answers; playwright.config.ts sets it. */
export const MAILBOX_URL = `http://127.0.0.1:${process.env.E2E_SMTP_HTTP_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 26}`;

export interface CapturedMessage {
  to: string[];
  subject: string;
  text: string;
  links: string[];
  receivedAt: string;
}

/** Waits for the `nth` (1-based) email to `to` matching `subject`, as the real SMTP server received it. */
export async function waitForEmail(to: string, { subject, nth = 1 }: { subject?: RegExp; nth?: number } = {}): Promise<CapturedMessage> {
  let found: CapturedMessage | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${MAILBOX_URL}/messages?to=${encodeURIComponent(to)}`);
        const messages = ((await res.json()) as CapturedMessage[]).filter((m) => !subject || subject.test(m.subject));
        found = messages[nth - 1];
        return messages.length;
      },
      { timeout: 20_000, message: `email ${nth} to ${to}` },
    )
    .toBeGreaterThanOrEqual(nth);
  return found!;
}

/** The email's call to action: the first link into the portal. */
export function portalLink(message: CapturedMessage): string {
  const link = message.links.find((l) => /\/(invite|reset-password|confirm-email)\//.test(l));
  if (!link) throw new Error(`no portal link in "${message.subject}": ${message.links.join(", ")}`);
  return link;
}

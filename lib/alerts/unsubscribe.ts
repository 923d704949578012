import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { addOptOut, findUserEmail } from "@/db/queries/alerts";
import { env } from "@/lib/env";
import { ALERT_KINDS, ALERT_KIND_INFO, type AlertKind } from "./kinds";

/**
 * One-click unsubscribe links (RFC 8058). The token is the target and the alert kind, signed with a key derived from
 * AUTH_SECRET: nothing is stored to issue one, and nobody can make one for another person or address (a forged or
 * altered token is refused like any unknown one, so the answers tell nothing about who exists). A person's token holds
 * their user id (their choice applies in every organization); an Alert emails address holds the organization and the
 * address (that organization only). Tokens do not expire: an old email's link must still work.
 */

const payloadSchema = z.union([
  z.object({ v: z.literal(1), k: z.enum(ALERT_KINDS), u: z.string().min(1).max(64) }).strict(),
  z.object({ v: z.literal(1), k: z.enum(ALERT_KINDS), o: z.string().min(1).max(64), e: z.email().max(320) }).strict(),
]);
type Payload = z.infer<typeof payloadSchema>;

export type UnsubscribeTarget = { userId: string } | { organizationId: string; email: string };

/** What a token (or the token field of a form or query) may look like before it is even checked. */
export const unsubscribeTokenSchema = z.string().min(10).max(1000).regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);

function key(): Buffer {
  if (!env.authSecret) throw new Error("AUTH_SECRET is not set");
  return createHmac("sha256", env.authSecret).update("herald/alert-unsubscribe/v1").digest();
}

const sign = (body: string) => createHmac("sha256", key()).update(body).digest("base64url");

export function unsubscribeToken(target: UnsubscribeTarget, kind: AlertKind): string {
  const payload: Payload = "userId" in target ? { v: 1, k: kind, u: target.userId } : { v: 1, k: kind, o: target.organizationId, e: target.email.toLowerCase() };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${sign(body)}`;
}

/** The token's target and kind when its signature holds; undefined for anything else. */
export function readUnsubscribeToken(token: unknown): { target: UnsubscribeTarget; kind: AlertKind } | undefined {
  const shaped = unsubscribeTokenSchema.safeParse(token);
  if (!shaped.success) return undefined;
  const [body, signature] = shaped.data.split(".") as [string, string];
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  return { kind: p.k, target: "u" in p ? { userId: p.u } : { organizationId: p.o, email: p.e } };
}

/** The page a person opens from the email's footer, and the URL mail clients POST to (List-Unsubscribe). */
export function unsubscribeLinks(token: string): { page: string; oneClick: string } {
  const q = `token=${encodeURIComponent(token)}`;
  return { page: `${env.email.appUrl}/unsubscribe?${q}`, oneClick: `${env.email.appUrl}/api/unsubscribe?${q}` };
}

/** The RFC 8058 headers for an alert email. */
export function unsubscribeHeaders(token: string): Record<string, string> {
  return { "List-Unsubscribe": `<${unsubscribeLinks(token).oneClick}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

export interface UnsubscribeView {
  kind: AlertKind;
  kindLabel: string;
  /** The address the alerts go to (a person's current email, or the Alert emails address). */
  address: string;
  /** A person (who can change this in Settings -> Notifications), or an Alert emails address. */
  person: boolean;
}

/** What the unsubscribe page shows for a token; undefined for a token that is not valid (or names nobody any more). */
export async function describeUnsubscribe(token: unknown): Promise<UnsubscribeView | undefined> {
  const read = readUnsubscribeToken(token);
  if (!read) return undefined;
  const address = "userId" in read.target ? await findUserEmail({ userId: read.target.userId }) : read.target.email;
  if (!address) return undefined;
  return { kind: read.kind, kindLabel: ALERT_KIND_INFO[read.kind].label, address, person: "userId" in read.target };
}

/** Applies an unsubscribe (idempotent). Undefined when the token is not valid. */
export async function unsubscribe(token: unknown): Promise<{ kind: AlertKind } | undefined> {
  const read = readUnsubscribeToken(token);
  if (!read) return undefined;
  await addOptOut(read.target, read.kind);
  return { kind: read.kind };
}

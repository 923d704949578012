"use server";

import { headers } from "next/headers";
import { redirect, unstable_rethrow } from "next/navigation";
import { toActionError, type ActionResult } from "@/lib/action";
import { requestIp } from "@/lib/audit/request";
import { tokenField } from "@/lib/people/fields";
import { setPortalSessionCookie } from "@/lib/platform/portal-cookie";
import { openPortalLink, PORTAL_LINK_MESSAGES } from "@/lib/platform/portal-sessions";

const FAILURE_CODES = {
  invalid: "not_found:portal_link",
  used: "conflict:portal_link_used",
  expired: "conflict:portal_link_expired",
  organization_deactivated: "conflict:organization_deactivated",
} as const;

/**
 * Opens a magic link: the deliberate POST the link's page makes (a GET never uses a link up, so link scanners and
 * prefetchers that fetch it change nothing). Public: the token is what authorizes it. Success sets the session
 * cookie and lands on Webhooks (a redirect, so it does not return); a link that cannot open answers why.
 */
export async function openPortalLinkAction(input: unknown): Promise<ActionResult<never>> {
  try {
    // The page's form sends FormData; anything else a client sends is read as { token } or refused.
    const raw = input instanceof FormData ? input.get("token") : input && typeof input === "object" && !Array.isArray(input) ? (input as { token?: unknown }).token : undefined;
    const token = tokenField.safeParse(raw);
    if (!token.success) return { ok: false, error: { code: FAILURE_CODES.invalid, message: PORTAL_LINK_MESSAGES.invalid.message } };
    const opened = await openPortalLink(token.data, { userAgent: (await headers()).get("user-agent"), ip: await requestIp() });
    if (!opened.ok) return { ok: false, error: { code: FAILURE_CODES[opened.reason], message: PORTAL_LINK_MESSAGES[opened.reason].message } };
    await setPortalSessionCookie({ userId: opened.userId, sessionId: opened.sessionId, embedded: opened.embedded, maxAgeSeconds: opened.maxAgeSeconds });
  } catch (error) {
    unstable_rethrow(error);
    return { ok: false, error: toActionError(error) };
  }
  redirect("/webhooks");
}

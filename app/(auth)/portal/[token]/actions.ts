"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { requestIp } from "@/lib/audit/request";
import { tokenField } from "@/lib/people/fields";
import { setPortalSessionCookie } from "@/lib/platform/portal-cookie";
import { openPortalLink } from "@/lib/platform/portal-sessions";

/**
 * Opens a magic link: the deliberate POST the link's page makes (a GET never uses a link up, so link scanners and
 * prefetchers that fetch it change nothing). Public: the token is what authorizes it. Success sets the session
 * cookie and lands on Webhooks; anything else goes back to the link's page, which says what happened.
 */
export async function openPortalLinkAction(input: FormData | { token?: unknown }): Promise<void> {
  // The page's form sends FormData; anything else a client sends is read as { token } or refused.
  const raw = input instanceof FormData ? input.get("token") : input && typeof input === "object" ? input.token : undefined;
  const token = tokenField.safeParse(raw);
  if (!token.success) redirect("/portal/invalid");
  const opened = await openPortalLink(token.data, { userAgent: (await headers()).get("user-agent"), ip: await requestIp() });
  if (!opened.ok) redirect(`/portal/${token.data}`);
  await setPortalSessionCookie({ userId: opened.userId, sessionId: opened.sessionId, embedded: opened.embedded, maxAgeSeconds: opened.maxAgeSeconds });
  redirect("/webhooks");
}

import { NextResponse } from "next/server";
import { apiError } from "@/lib/api/respond";
import { unsubscribe } from "@/lib/alerts/unsubscribe";
import { logger } from "@/lib/logger";
import { BodyTooLargeError, readTextLimited } from "@/lib/read-body";

export const dynamic = "force-dynamic";

/** A one-click body is `List-Unsubscribe=One-Click`; the page's form adds `from=page`. Nothing else is read. */
const MAX_BODY_BYTES = 4 * 1024;

/** The page on the host the browser used (a form post or a GET come from the person's browser). */
const pageUrl = (request: Request, token: string, extra: string) => new URL(`/unsubscribe?token=${encodeURIComponent(token)}${extra}`, request.url);

/**
 * POST /api/unsubscribe?token=...: the List-Unsubscribe URL of every alert email (RFC 8058 one-click: mail clients
 * POST `List-Unsubscribe=One-Click` here, without cookies), and the target of the unsubscribe page's button. Public:
 * the signed token is the authorization, and an invalid one gets the same answer whatever it names.
 */
export async function POST(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  let body: URLSearchParams;
  try {
    body = new URLSearchParams(await readTextLimited(request, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return apiError(413, "payload_too_large", error.message);
    throw error;
  }
  const fromPage = body.get("from") === "page";
  const done = await unsubscribe(token).catch((error: unknown) => {
    logger.error("unsubscribe failed", { error });
    return null;
  });
  if (done === null) return apiError(500, "internal", "Something went wrong. Please try again.");
  if (!done) {
    return fromPage
      ? NextResponse.redirect(pageUrl(request, token, "&state=invalid"), 303)
      : apiError(400, "bad_request:unsubscribe", "This unsubscribe link is not valid.");
  }
  return fromPage ? NextResponse.redirect(pageUrl(request, token, "&state=done"), 303) : NextResponse.json({ ok: true, kind: done.kind });
}

/** A mail client that opens the List-Unsubscribe URL instead of posting to it lands on the page (which asks first). */
export async function GET(request: Request): Promise<Response> {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return NextResponse.redirect(pageUrl(request, token.slice(0, 1000), ""), 303);
}

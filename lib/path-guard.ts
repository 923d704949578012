import { NextResponse } from "next/server";

const MESSAGE = "The address is not valid percent-encoded UTF-8: check the id in the URL.";

/**
 * A path whose percent-encoding does not decode to UTF-8 (`/api/v1/credentials/%ED%A0%80`, a lone surrogate's
 * bytes; `/webhooks/%E0%A4%A`, cut short). Next decodes dynamic segments ([id]) before any page or handler runs and
 * answers such a path with a plain-text 500; proxy.ts asks this first, so the answer is a 400 with a message: the
 * public API's JSON error under /api/, text elsewhere. Returns undefined for a path that decodes.
 */
export function refuseUndecodablePath(pathname: string): NextResponse | undefined {
  for (const segment of pathname.split("/")) {
    try {
      decodeURIComponent(segment);
    } catch {
      if (pathname.startsWith("/api/")) return NextResponse.json({ error: { code: "invalid_path", message: MESSAGE } }, { status: 400 });
      return new NextResponse(MESSAGE, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
  }
  return undefined;
}

import { NextRequest, NextResponse } from "next/server";

/** A request body over the limit: answered 413 by whoever reads it. */
export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The body is over ${formatLimit(limitBytes)}.`);
    this.name = "BodyTooLargeError";
  }
}

/** 262144 -> "256 KB", 1048576 -> "1 MB". */
export function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * Reads a request body, never holding more than `maxBytes` of it: a declared Content-Length over the limit is refused
 * before reading, and a body without one (chunked) is read chunk by chunk until it passes the limit, then the read
 * is cancelled. `request.text()` would first buffer the whole body, whatever its size: a few chunked uploads of
 * hundreds of MB then cost the process gigabytes before any limit is checked. Throws BodyTooLargeError.
 */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new BodyTooLargeError(maxBytes);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Not awaited: the answer (413) must not wait for the client to stop sending.
      reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** {@link readBodyLimited}, decoded as UTF-8 exactly as `request.text()` decodes it. */
export async function readTextLimited(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readBodyLimited(request, maxBytes));
}

/**
 * Wraps a route handler that reads its body itself (Auth.js, the Inngest SDK): the body is read first with
 * {@link readBodyLimited} (413 with the API's error shape when over the limit), then handed to the handler as a
 * fresh request with the same URL and headers.
 */
export function withBodyLimit<A extends unknown[]>(
  handler: (request: NextRequest, ...args: A) => Promise<Response>,
  maxBytes: number,
): (request: NextRequest, ...args: A) => Promise<Response> {
  return async (request, ...args) => {
    if (request.method === "GET" || request.method === "HEAD") return handler(request, ...args);
    let body: Buffer;
    try {
      body = await readBodyLimited(request, maxBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return payloadTooLarge(e);
      throw e;
    }
    return handler(new NextRequest(request.url, { method: request.method, headers: request.headers, body: new Uint8Array(body) }), ...args);
  };
}

/** The 413 answer, in the API's error shape. */
export function payloadTooLarge(error: BodyTooLargeError): NextResponse {
  return NextResponse.json({ error: { code: "payload_too_large", message: error.message } }, { status: 413 });
}

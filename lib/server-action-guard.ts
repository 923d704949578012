import { NextResponse, type NextRequest } from "next/server";
import { jsonInputProblem } from "@/lib/input-limits";
import { BodyTooLargeError, readBodyLimited } from "@/lib/read-body";

/** Next's own limit for a server action's body (next.config `serverActions.bodySizeLimit`, default 1 MB). */
const MAX_ACTION_BODY_BYTES = 1024 * 1024;
/** No form of Herald's nests deeper than a handful of levels; React's reply decoder recurses per level. */
const MAX_ACTION_NESTING = 64;

function refuse(status: number, message: string): NextResponse {
  return NextResponse.json({ error: { code: status === 413 ? "payload_too_large" : "bad_request", message } }, { status });
}

/** The deepest bracket nesting of a JSON text, ignoring brackets inside strings. */
function nestingOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) max = Math.max(max, ++depth);
    else if (c === 93 || c === 125) depth -= 1;
  }
  return max;
}

/**
 * Server action calls whose payload the browser never produces (over the body limit, not JSON, absurdly deep) are
 * answered here with a message: left to Next, its reply decoder throws and the answer is a bare 500. Form posts
 * (multipart) are only held to the size limit. Returns undefined for a request that may proceed.
 */
export async function guardServerActionPayload(request: NextRequest): Promise<NextResponse | undefined> {
  if (request.method !== "POST" || !request.headers.has("next-action")) return undefined;
  // Every action body, form posts included, is read with the limit (streamed: a chunked upload without
  // Content-Length stops at 1 MB), so an oversized one never gets further than this.
  let body: Buffer;
  try {
    body = await readBodyLimited(request.clone(), MAX_ACTION_BODY_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError) return refuse(413, "The request is over 1 MB.");
    throw e;
  }
  if (!(request.headers.get("content-type") ?? "").startsWith("text/plain")) return undefined;
  const text = new TextDecoder().decode(body);
  // Measured on the text first: a payload nested 100,000 levels deep is refused before anything recurses into it.
  if (nestingOf(text) > MAX_ACTION_NESTING) return refuse(400, `The request nests deeper than ${MAX_ACTION_NESTING} levels.`);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return refuse(400, "The request is not valid JSON.");
  }
  // NUL and lone surrogates (escaped in the JSON text) would otherwise fail in PostgreSQL, with a 500.
  const problem = jsonInputProblem(payload, "the request", MAX_ACTION_NESTING);
  return problem ? refuse(400, problem) : undefined;
}

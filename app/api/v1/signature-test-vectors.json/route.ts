import { createHash } from "node:crypto";
import vectors from "@/lib/delivery/signature-test-vectors.json";

// The committed file's exact text (two-space JSON and a final newline), so what is served is what is in the repository.
const TEXT = `${JSON.stringify(vectors, null, 2)}\n`;
const ETAG = `"${createHash("sha256").update(TEXT).digest("base64url").slice(0, 27)}"`;

/**
 * GET /api/v1/signature-test-vectors.json: Herald's signature test vectors (public: fixed inputs and the headers
 * Herald sends for them, no data of anyone's). Cacheable: it changes only when a new release changes the file.
 */
export function GET(request: Request) {
  const headers = {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "public, max-age=3600",
    "access-control-allow-origin": "*",
    etag: ETAG,
  };
  if (request.headers.get("if-none-match") === ETAG) return new Response(null, { status: 304, headers });
  return new Response(TEXT, { headers });
}

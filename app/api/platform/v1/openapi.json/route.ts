import { NextResponse } from "next/server";
import { platformOpenApiDocument } from "@/lib/platform/openapi";

/** GET /api/platform/v1/openapi.json: the platform API's OpenAPI 3.1 document (public, as /api/v1's: it holds no data). */
export function GET(request: Request) {
  return NextResponse.json(platformOpenApiDocument(new URL(request.url).origin), { headers: { "cache-control": "public, max-age=300" } });
}

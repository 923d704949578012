import { apiError } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

/**
 * Every /api path no route answers (an unknown /api/v1 or /api/platform path, a typo): the API's own JSON error with
 * 404, for every method, instead of the portal's HTML not-found page. Real routes always win over this catch-all.
 */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  const listed = pathname.startsWith("/api/platform/") ? "/api/platform/v1/openapi.json" : "/api/v1/openapi.json";
  return apiError(404, "not_found", `There is no API route ${request.method} ${pathname}. The routes are listed in ${listed}.`);
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;

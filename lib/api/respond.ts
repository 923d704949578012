import { NextResponse } from "next/server";
import type { z } from "zod";
import { authenticateApiKey, type ApiCaller } from "@/lib/api-keys";
import { env } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { jsonInputProblem, MAX_BODY_DEPTH } from "@/lib/input-limits";
import { logger } from "@/lib/logger";
import { BodyTooLargeError, readTextLimited } from "@/lib/read-body";
import { assertApiAllowed } from "@/lib/plans";
import { RateLimiter } from "./rate-limit";

/** Request bodies over this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface ApiIssue {
  path: string;
  message: string;
}

/** The public API's one error shape: `{ error: { code, message, issues? } }`. */
export function apiError(status: number, code: string, message: string, issues?: ApiIssue[], headers?: HeadersInit): NextResponse {
  return NextResponse.json({ error: { code, message, ...(issues?.length ? { issues } : {}) } }, { status, headers });
}

export function zodIssues(error: z.ZodError, prefix: string[] = []): ApiIssue[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path.map(String)].join(".") || "(body)", message: i.message }));
}

/** Thrown by `readJson` and `parseQuery`; turned into a response by `apiRoute`. */
class ApiRejection extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
  }
}

/**
 * Reads and validates a JSON body: 413 over `maxBytes` (256 KB unless a route allows more; streamed: the read stops
 * at the limit, with or without a Content-Length), 400 for bad JSON or a body that does not match `schema`.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes = MAX_BODY_BYTES): Promise<z.output<S>> {
  let raw: string;
  try {
    raw = await readTextLimited(request, maxBytes);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw new ApiRejection(413, "payload_too_large", e.message);
    throw e;
  }
  let body: unknown = {};
  if (raw.trim() !== "") {
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiRejection(400, "invalid_json", "The body is not valid JSON.");
    }
  }
  // Nesting, NUL and lone surrogates would otherwise fail deep in a serializer or in PostgreSQL, with a 500.
  const problem = jsonInputProblem(body, "the body", MAX_BODY_DEPTH);
  if (problem) throw new ApiRejection(400, "invalid_request", problem);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiRejection(400, "invalid_request", "The request does not match the schema.", zodIssues(parsed.error));
  return parsed.data;
}

/** Validates the query string against `schema` (values arrive as strings; use z.coerce where numbers are wanted). */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const query: Record<string, string> = {};
  for (const [key, value] of params) query[key] = value;
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw new ApiRejection(400, "invalid_query", "The query string is not valid.", zodIssues(parsed.error, ["query"]));
  return parsed.data;
}

const globalStore = globalThis as typeof globalThis & { __heraldRateLimiter?: RateLimiter };
function rateLimiter(): RateLimiter {
  return (globalStore.__heraldRateLimiter ??= new RateLimiter(env.apiRateLimitPerSecond));
}

export interface ApiContext<P> {
  request: Request;
  caller: ApiCaller;
  params: P;
}

type Handler<P> = (ctx: ApiContext<P>) => Promise<Response>;

/**
 * Wraps a public API handler: authenticates the bearer key (401), applies the key's rate limit (429 with
 * Retry-After), and turns every failure into the error shape. An AppError keeps its status and message; anything
 * else is logged and answered with a plain 500 that carries no detail.
 */
export function apiRoute<P extends Record<string, string> = Record<string, never>>(handler: Handler<P>) {
  return async (request: Request, context?: { params: Promise<P> }): Promise<Response> => {
    try {
      const caller = await authenticateApiKey(request.headers.get("authorization"));
      if (!caller) return apiError(401, "unauthorized", "Send a valid API key: Authorization: Bearer hk_live_...");
      if (caller.deactivated) {
        return apiError(403, "forbidden", "This organization is deactivated: its API keys work again once a platform admin reactivates it.");
      }
      // A key made before a downgrade stops working with the plan; it works again after an upgrade.
      assertApiAllowed(caller.plan);
      const limited = rateLimited(caller.keyId);
      if (limited) return limited;
      const params = ((await context?.params) ?? {}) as P;
      // No id contains a control character; such a path would only fail in the database (NUL) with a 500.
      if (hasControlCharacter(params)) return apiError(404, "not_found", "Nothing here has that id.");
      return await handler({ request, caller, params });
    } catch (e) {
      return failureResponse(request, e);
    }
  };
}

/**
 * The error shape for anything a handler threw: a rejection from `readJson`/`parseQuery` or an AppError keeps its
 * status and message; anything else is logged and answered with a plain 500 that carries no detail. Shared with the
 * platform API's wrapper (lib/platform/respond.ts).
 */
export function failureResponse(request: Request, e: unknown): Response {
  if (e instanceof ApiRejection) return apiError(e.status, e.code, e.message, e.issues);
  if (isAppError(e) && e.kind !== "internal") {
    const issues = e.fieldErrors ? Object.entries(e.fieldErrors).map(([path, messages]) => ({ path, message: messages[0] ?? "" })) : undefined;
    return apiError(e.status, e.code, e.message, issues);
  }
  logger.error("an API request failed", { path: new URL(request.url).pathname, error: e });
  return apiError(500, "internal", "Something went wrong on our side. Please try again.");
}

/** Answers 429 with Retry-After when `bucket` (a key id) has used up its requests for this second. */
export function rateLimited(bucket: string): Response | undefined {
  const decision = rateLimiter().take(bucket);
  if (decision.allowed) return undefined;
  return apiError(
    429,
    "rate_limited",
    `Too many requests for this API key (limit ${env.apiRateLimitPerSecond} per second). Retry after ${decision.retryAfterSeconds} s.`,
    undefined,
    { "retry-after": String(decision.retryAfterSeconds) },
  );
}

/** True when a path parameter holds a control character: no id does, and NUL would fail in the database with a 500. */
export function hasControlCharacter(params: Record<string, unknown>): boolean {
  return Object.values(params).some((v) => /[\u0000-\u001f\u007f]/.test(String(v)));
}

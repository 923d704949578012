/**
 * Calls a public API route handler the way Next.js does: a real Request, the bearer key, the dynamic params.
 * Used by the API's integration tests.
 */
export type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface ApiReply<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function callRoute<T = Record<string, unknown>>(
  handler: unknown,
  options: { method?: string; path: string; key?: string | null; body?: unknown; raw?: string; params?: Record<string, string>; headers?: Record<string, string> },
): Promise<ApiReply<T>> {
  const hasBody = options.body !== undefined || options.raw !== undefined;
  const request = new Request(`http://localhost${options.path}`, {
    method: options.method ?? (hasBody ? "POST" : "GET"),
    headers: {
      ...(hasBody ? { "content-type": "application/json" } : {}),
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    ...(hasBody ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
  });
  const response = await (handler as RouteHandler)(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

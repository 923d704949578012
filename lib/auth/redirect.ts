/** Where to go after sign-in: only a path on this site (never `//evil.example` or an absolute URL). */
export function safeCallbackPath(value: string | null | undefined, fallback = "/webhooks"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  if (value.startsWith("/login") || value.startsWith("/api/")) return fallback;
  return value.slice(0, 2048);
}

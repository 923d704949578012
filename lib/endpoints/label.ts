/**
 * How an endpoint is named where many are listed (Logs, filters): its description when it has one, otherwise its
 * host and the end of its path ("hooks.acme.example/…/herald"), which is what tells two URLs of one host apart. The
 * full URL goes on hover and on the detail pages.
 */
export function endpointLabel({ url, description }: { url: string; description?: string | null }): string {
  const text = description?.trim();
  if (text) return text;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  const host = parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  const segments = parsed.pathname.split("/").filter(Boolean);
  const query = parsed.search ? "?…" : "";
  if (segments.length === 0) return `${host}${query}`;
  if (segments.length === 1) return `${host}/${segments[0]}${query}`;
  return `${host}/…/${segments.at(-1)}${query}`;
}

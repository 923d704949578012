import { listEndpointRows } from "@/db/queries/webhooks";
import { AppError } from "@/lib/errors";

/**
 * Whether two endpoint URLs reach the same receiver: scheme and host case, a default port and a trailing slash do not
 * tell them apart; the path and query do.
 */
export function sameEndpointUrl(a: string, b: string): boolean {
  const normal = (value: string) => {
    try {
      const url = new URL(value);
      url.hash = "";
      return url.href.replace(/\/(?=$|\?)/, "");
    } catch {
      return value.trim();
    }
  };
  return normal(a) === normal(b);
}

/** The organization's other live endpoints at this URL (the one being edited left out). */
export async function endpointsAtUrl({ orgId, url, exceptId }: { orgId: string; url: string; exceptId?: string }) {
  const rows = await listEndpointRows({ orgId });
  return rows.filter((row) => row.id !== exceptId && sameEndpointUrl(row.url, url)).map((row) => ({ id: row.id, description: row.description }));
}

/**
 * A second endpoint at a URL gets every event twice (one delivery per endpoint). The portal asks first: without
 * `confirmed`, the save is refused with `conflict:duplicate_url` and the form shows a confirmation.
 */
export async function refuseUnconfirmedDuplicateUrl(input: { orgId: string; url: string; exceptId?: string; confirmed?: boolean }): Promise<void> {
  if (input.confirmed) return;
  const existing = await endpointsAtUrl(input);
  if (existing.length === 0) return;
  const named = existing[0]!.description ? `"${existing[0]!.description}" (${existing[0]!.id})` : existing[0]!.id;
  throw new AppError("conflict:duplicate_url", {
    message: `Endpoint ${named} already receives events at this URL. A second endpoint there gets every event twice.`,
  });
}

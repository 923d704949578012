/**
 * Keyset pages as the list pages show them (Logs, the Audit log, Admin -> Emails): which rows of a query's answer are
 * the page, whether Newer and Older exist, and the total in words.
 */

/** The cursors a page was asked with (URL values). */
export interface PageCursors {
  before?: string;
  after?: string;
}

/**
 * The page out of a query's rows (newest first, one more than `size`: the extra row only says a further page exists,
 * past the page's end, or before its start on a Newer page).
 */
export function pageWindow<T>(rows: T[], { before, after }: PageCursors, size: number): { page: T[]; hasNewer: boolean; hasOlder: boolean } {
  const newerMode = Boolean(after && !before);
  const extra = rows.length > size;
  const page = newerMode && extra ? rows.slice(1) : rows.slice(0, size);
  return {
    page,
    hasOlder: newerMode ? page.length > 0 : extra,
    hasNewer: newerMode ? extra : Boolean(before),
  };
}

/** "1 delivery", "120 deliveries", "about 12,400 deliveries" (estimates to three significant figures). */
export function countText(total: { count: number; exact: boolean }, [one, many]: readonly [string, string]): string {
  if (total.exact) return `${total.count.toLocaleString("en")} ${total.count === 1 ? one : many}`;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(total.count)) - 2);
  return `about ${(Math.round(total.count / magnitude) * magnitude).toLocaleString("en")} ${many}`;
}

/** A list page's link with `params` (empty values left out: clean URLs). */
export function listHref(basePath: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const text = search.toString();
  return text ? `${basePath}?${text}` : basePath;
}

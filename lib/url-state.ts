/**
 * Filters that live in the URL: the URL is the only state, so Back and Forward, a reload and a shared link all show
 * the same filters as the controls. These helpers read and write a page's keys; `useUrlState`
 * (components/hooks/use-url-state.ts) binds them to the router.
 */

export type UrlState<K extends string> = Partial<Record<K, string>>;

/** The first value of each key; empty values count as absent. */
export function readUrlState<K extends string>(params: Pick<URLSearchParams, "get">, keys: readonly K[]): UrlState<K> {
  const state: UrlState<K> = {};
  for (const key of keys) {
    const value = params.get(key);
    if (value) state[key] = value;
  }
  return state;
}

/**
 * `pathname?query` with `patch` applied: a key set to undefined, null or "" leaves the URL (no empty parameters);
 * keys not in the patch keep their values; a changed key keeps its place, so a URL reads the same after each change.
 */
export function urlWith(pathname: string, params: Iterable<[string, string]>, patch: Record<string, string | null | undefined>): string {
  const next = new URLSearchParams();
  for (const [key, value] of params) {
    if (next.has(key)) continue;
    const kept = key in patch ? patch[key] : value;
    if (kept) next.set(key, kept);
  }
  for (const [key, value] of Object.entries(patch)) if (value && !next.has(key)) next.set(key, value);
  const query = next.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/** A stable text of the given keys' values: changes exactly when one of them does (used to re-sync drafts). */
export function stateKey<K extends string>(state: UrlState<K>, keys: readonly K[]): string {
  return keys.map((k) => `${k}=${state[k] ?? ""}`).join("&");
}

"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import { readUrlState, stateKey, urlWith, type UrlState } from "@/lib/url-state";

export interface SetUrlStateOptions {
  /** "push" (default) makes the change a step of Back/Forward; "replace" does not. */
  history?: "push" | "replace";
}

/**
 * A page's filters, read from the URL on every render: controls built on it show what the URL says, after Back and
 * Forward too. `set` navigates (dropping empty values), and `key` changes whenever one of the keys does, so a form
 * holding a draft can be remounted with `key={key}` to follow the URL.
 */
export function useUrlState<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const state = useMemo(() => readUrlState(params, keys), [params, keys]);
  const key = stateKey(state, keys);
  const set = useCallback(
    (patch: Partial<Record<K | (string & {}), string | null | undefined>>, { history = "push" }: SetUrlStateOptions = {}) => {
      const href = urlWith(pathname, params.entries(), patch);
      if (history === "replace") router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [params, pathname, router],
  );
  return { state: state as UrlState<K>, set, key, params };
}

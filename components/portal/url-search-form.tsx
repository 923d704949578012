"use client";

import { Search } from "lucide-react";
import { useState } from "react";
import { useUrlState } from "@/components/hooks/use-url-state";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

const SEARCH_KEYS = ["q"] as const;

/**
 * A search box whose only state is the URL's `q`: Back and Forward change what it shows along with the results.
 * Searching drops `page` (a new search starts at its first page) and leaves no empty `q=` in the URL.
 */
export function UrlSearchForm({ label, placeholder, maxLength = 200 }: { label: string; placeholder?: string; maxLength?: number }) {
  const { state, set, key } = useUrlState(SEARCH_KEYS);
  return <SearchDraft key={key} initial={state.q ?? ""} label={label} placeholder={placeholder} maxLength={maxLength} onSearch={(q) => set({ q: q.trim(), page: null })} />;
}

function SearchDraft({
  initial,
  label,
  placeholder,
  maxLength,
  onSearch,
}: {
  initial: string;
  label: string;
  placeholder?: string;
  maxLength: number;
  onSearch: (q: string) => void;
}) {
  const [draft, setDraft] = useState(initial);
  return (
    <form
      role="search"
      aria-label={label}
      className="mb-4 flex max-w-xl gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(draft);
      }}
    >
      <Input type="search" aria-label={label} value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={placeholder} maxLength={maxLength} />
      <Button type="submit" variant="outline">
        <Search className="size-4" aria-hidden />
        Search
      </Button>
      {initial ? (
        <Button type="button" variant="ghost" onClick={() => onSearch("")}>
          Clear
        </Button>
      ) : null}
    </form>
  );
}

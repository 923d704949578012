"use client";

import { useState } from "react";
import { useUrlState } from "@/components/hooks/use-url-state";
import { Button } from "@/components/ui/button";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { Label } from "@/components/ui/label";

const FILTER_KEYS = ["org", "actor", "action"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Draft = Record<FilterKey, string>;

/** A Radix Select value cannot be empty: this one stands for "no filter". */
const ANY = "__any__";

export interface AuditFilterOption {
  value: string;
  label: string;
}

export interface AuditFiltersProps {
  organizations?: AuditFilterOption[];
  actors: AuditFilterOption[];
  actions: AuditFilterOption[];
}

/** The Audit log filters, kept in the URL like the Logs filters: Back and Forward show what the table shows. */
export function AuditFilters(props: AuditFiltersProps) {
  const { state, set, key } = useUrlState(FILTER_KEYS);
  const initial = Object.fromEntries(FILTER_KEYS.map((k) => [k, state[k] ?? ""])) as Draft;
  return (
    <FiltersForm
      key={key}
      {...props}
      initial={initial}
      filtered={FILTER_KEYS.some((k) => state[k])}
      onClear={() => set({ org: null, actor: null, action: null, before: null, after: null })}
      // A new filter starts from the newest events: an older page's cursor means nothing for it.
      onApply={(draft) => set({ ...draft, before: null, after: null })}
    />
  );
}

function FiltersForm({
  organizations,
  actors,
  actions,
  initial,
  filtered,
  onApply,
  onClear,
}: AuditFiltersProps & { initial: Draft; filtered: boolean; onApply: (draft: Draft) => void; onClear: () => void }) {
  const [draft, setDraft] = useState(initial);
  const select = (name: FilterKey, label: string, anyLabel: string, options: AuditFilterOption[]) => (
    <div className="space-y-1">
      <Label htmlFor={`audit-filter-${name}`}>{label}</Label>
      <ChoiceSelect
        id={`audit-filter-${name}`}
        name={name}
        value={draft[name] || ANY}
        onValueChange={(value) => {
          // Applies as it changes: no Apply button.
          const next = { ...draft, [name]: value === ANY ? "" : value };
          setDraft(next);
          onApply(next);
        }}
        choices={[{ value: ANY, label: anyLabel }, ...options]}
      />
    </div>
  );
  return (
    <form
      className="mb-4 grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-2 lg:grid-cols-4"
      role="search"
      aria-label="Filter the audit log"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      {organizations ? select("org", "Organization", "All organizations", organizations) : null}
      {select("actor", "Actor", "Anyone", actors)}
      {select("action", "Action", "Any action", actions)}
      <div className="flex items-end gap-2">
        {filtered ? (
          <Button type="button" variant="ghost" onClick={onClear}>
            Clear
          </Button>
        ) : null}
      </div>
    </form>
  );
}

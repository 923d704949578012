"use client";

import { useState } from "react";
import { useUrlState } from "@/components/hooks/use-url-state";
import { Button } from "@/components/ui/button";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

const FILTER_KEYS = ["status", "template", "to"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Draft = Record<FilterKey, string>;

/** A Radix Select value cannot be empty: this one stands for "no filter". */
const ANY = "__any__";

/** The Emails filters, kept in the URL like the Logs filters. */
export function EmailFilters(props: { statuses: { value: string; label: string }[]; templates: string[] }) {
  const { state, set, key } = useUrlState(FILTER_KEYS);
  const initial = Object.fromEntries(FILTER_KEYS.map((k) => [k, state[k] ?? ""])) as Draft;
  return (
    <Form
      key={key}
      {...props}
      initial={initial}
      filtered={FILTER_KEYS.some((k) => state[k])}
      onClear={() => set({ status: null, template: null, to: null, before: null, after: null, view: null })}
      onApply={(draft) => set({ ...draft, before: null, after: null, view: null })}
    />
  );
}

function Form({
  statuses,
  templates,
  initial,
  filtered,
  onApply,
  onClear,
}: {
  statuses: { value: string; label: string }[];
  templates: string[];
  initial: Draft;
  filtered: boolean;
  onApply: (draft: Draft) => void;
  onClear: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const change = (name: FilterKey) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: e.target.value }));
  // Selects apply as they change; the recipient when Enter is pressed or the field is left. No Apply button.
  const choose = (name: FilterKey) => (value: string) => {
    const next = { ...draft, [name]: value === ANY ? "" : value };
    setDraft(next);
    onApply(next);
  };
  return (
    <form
      className="mb-4 grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-2 lg:grid-cols-4"
      role="search"
      aria-label="Filter emails"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      <div className="space-y-1">
        <Label htmlFor="email-filter-status">Status</Label>
        <ChoiceSelect
          id="email-filter-status"
          value={draft.status || ANY}
          onValueChange={choose("status")}
          choices={[{ value: ANY, label: "Any status" }, ...statuses]}
        />
      </div>
      <div className="space-y-1">
        <Label htmlFor="email-filter-template">Template</Label>
        <ChoiceSelect
          id="email-filter-template"
          value={draft.template || ANY}
          onValueChange={choose("template")}
          choices={[{ value: ANY, label: "Any template" }, ...templates.map((t) => ({ value: t, label: t }))]}
        />
      </div>
      <div className="space-y-1">
        <Label htmlFor="email-filter-to">Recipient</Label>
        <Input
          id="email-filter-to"
          value={draft.to}
          onChange={change("to")}
          onBlur={() => {
            if (draft.to !== initial.to) onApply(draft);
          }}
          placeholder="name@example.com"
          enterKeyHint="search"
        />
      </div>
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

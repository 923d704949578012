"use client";

import { useState } from "react";
import { useUrlState } from "@/components/hooks/use-url-state";
import { useTimeZone } from "@/components/time/time-zone";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { fromZonedInput, toZonedInput, UTC, zoneLabel } from "@/lib/format";

const FILTER_KEYS = ["org", "endpoint", "status", "type", "q", "from", "to"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Draft = Record<FilterKey, string>;

const selectClass =
  "h-9 w-full rounded-md border border-input bg-background px-3 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring";

export interface FilterOption {
  value: string;
  label: string;
}

function FilterSelect({
  name,
  label,
  value,
  anyLabel,
  options,
  onChange,
}: {
  name: FilterKey;
  label: string;
  value: string;
  anyLabel: string;
  options: FilterOption[];
  onChange: (value: string) => void;
}) {
  return (
    <div className="space-y-1">
      <Label htmlFor={`filter-${name}`}>{label}</Label>
      <select id={`filter-${name}`} name={name} value={value} onChange={(e) => onChange(e.target.value)} className={selectClass}>
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The URL keeps times in UTC ("2026-11-29T12:36"); the inputs show them on the person's clock. */
const utcToZoned = (value: string | undefined, zone: string) => (value ? toZonedInput(fromZonedInput(value, UTC), zone) : "");
const zonedToUtc = (value: string, zone: string) => (value ? toZonedInput(fromZonedInput(value, zone), UTC) : "");

export interface LogsFiltersProps {
  endpoints?: FilterOption[];
  organizations?: FilterOption[];
  statuses: FilterOption[];
  types: FilterOption[];
}

/**
 * The Logs filters. The URL is their only state: the form is a draft of it, remounted whenever the URL's filters
 * change (Back, Forward, a link), so the controls never show anything but what the table is filtered by.
 */
export function LogsFilters(props: LogsFiltersProps) {
  const { state, set, key } = useUrlState(FILTER_KEYS);
  const zone = useTimeZone();
  const initial = Object.fromEntries(FILTER_KEYS.map((k) => [k, state[k] ?? ""])) as Draft;
  initial.from = utcToZoned(state.from, zone);
  initial.to = utcToZoned(state.to, zone);
  const filtered = FILTER_KEYS.some((k) => state[k]);
  return (
    <FiltersForm
      key={`${key}|${zone}`}
      {...props}
      initial={initial}
      zone={zone}
      filtered={filtered}
      onClear={() => set({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, null])), before: null })}
      onApply={(draft) =>
        // A new filter starts from the newest deliveries: an older page's cursor means nothing for it.
        set({ ...draft, from: zonedToUtc(draft.from, zone), to: zonedToUtc(draft.to, zone), before: null })
      }
    />
  );
}

function FiltersForm({
  endpoints,
  organizations,
  statuses,
  types,
  initial,
  zone,
  filtered,
  onApply,
  onClear,
}: Omit<LogsFiltersProps, "basePath"> & {
  initial: Draft;
  zone: string;
  filtered: boolean;
  onApply: (draft: Draft) => void;
  onClear: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const field = (name: FilterKey) => ({ value: draft[name], onChange: (value: string) => setDraft((d) => ({ ...d, [name]: value })) });
  const zoneText = zoneLabel(zone);
  return (
    <form
      className="mb-4 grid gap-3 rounded-lg border bg-card p-4 sm:grid-cols-2 lg:grid-cols-4"
      role="search"
      aria-label="Filter deliveries"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(draft);
      }}
    >
      {organizations ? <FilterSelect name="org" label="Organization" anyLabel="All organizations" options={organizations} {...field("org")} /> : null}
      {endpoints ? <FilterSelect name="endpoint" label="Endpoint" anyLabel="All endpoints" options={endpoints} {...field("endpoint")} /> : null}
      <FilterSelect name="status" label="Status" anyLabel="Any status" options={statuses} {...field("status")} />
      <FilterSelect name="type" label="Event type" anyLabel="Any type" options={types} {...field("type")} />
      <div className="space-y-1">
        <Label htmlFor="filter-q">Search</Label>
        <Input
          id="filter-q"
          name="q"
          value={draft.q}
          onChange={(e) => setDraft((d) => ({ ...d, q: e.target.value }))}
          placeholder="evt_…, sessionId, credentialId or referenceId"
        />
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-from">From ({zoneText})</Label>
        <Input id="filter-from" name="from" type="datetime-local" value={draft.from} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} />
      </div>
      <div className="space-y-1">
        <Label htmlFor="filter-to">To ({zoneText})</Label>
        <Input id="filter-to" name="to" type="datetime-local" value={draft.to} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} />
      </div>
      <div className="flex items-end gap-2">
        <Button type="submit">Apply</Button>
        {filtered ? (
          <Button type="button" variant="ghost" onClick={onClear}>
            Clear
          </Button>
        ) : null}
      </div>
    </form>
  );
}

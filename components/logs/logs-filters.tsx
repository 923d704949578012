"use client";

import { SlidersHorizontal } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { useUrlState } from "@/components/hooks/use-url-state";
import { DATE_TIME_INPUT_HELP, DateTimeInput } from "@/components/time/date-time-input";
import { useTimeZone } from "@/components/time/time-zone";
import { Button } from "@/components/ui/button";
import { ChoiceSelect } from "@/components/ui/choice-select";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { formatDateTimeInput, fromZonedInput, parseDateTimeInput, toZonedInput, UTC, zoneLabel } from "@/lib/format";

const FILTER_KEYS = ["org", "endpoint", "status", "type", "q", "range", "from", "to"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

/** Typing pauses this long before the URL (and the table) follow. */
const TYPING_DELAY_MS = 500;

/** A Radix Select value cannot be empty: this one stands for "no filter" (and never reaches the URL). */
const ANY = "__any__";

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
      <ChoiceSelect
        id={`filter-${name}`}
        value={value || ANY}
        onValueChange={(v) => onChange(v === ANY ? "" : v)}
        choices={[{ value: ANY, label: anyLabel }, ...options]}
        data-testid={`filter-${name}`}
      />
    </div>
  );
}

/** The URL keeps times in UTC ("2026-11-29T12:36"); the fields show them on the person's clock, in the app's format. */
const utcToText = (value: string | undefined, zone: string) => (value ? formatDateTimeInput(fromZonedInput(value, UTC), zone) : "");
const textToUtc = (text: string, zone: string) => (text.trim() ? toZonedInput(parseDateTimeInput(text, zone), UTC) : "");
/** Text that is there but cannot be read. */
const unreadable = (text: string, zone: string) => text.trim() !== "" && !parseDateTimeInput(text, zone);

/**
 * A typed value that follows the URL: what the person types is kept while they type and sent after a pause (or at
 * once with `flush`); when the URL changes for another reason (Back, Forward, Clear), the field shows the URL again.
 */
function useTypedValue(urlValue: string, commit: (value: string) => void) {
  const [draft, setDraft] = useState(urlValue);
  const [seen, setSeen] = useState(urlValue);
  const [sent, setSent] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const commitRef = useRef(commit);
  useEffect(() => {
    commitRef.current = commit;
  });
  useEffect(() => () => clearTimeout(timer.current), []);
  if (urlValue !== seen) {
    setSeen(urlValue);
    // Our own value arriving in the URL must not undo what was typed since.
    if (urlValue !== sent) setDraft(urlValue);
    setSent(null);
  }
  const send = (value: string) => {
    clearTimeout(timer.current);
    if (value === urlValue) return;
    setSent(value);
    commitRef.current(value);
  };
  return {
    draft,
    change(value: string, delay = TYPING_DELAY_MS) {
      setDraft(value);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => send(value), delay);
    },
    flush: () => send(draft),
  };
}

export interface LogsFiltersProps {
  endpoints?: FilterOption[];
  organizations?: FilterOption[];
  statuses: FilterOption[];
  types: FilterOption[];
  ranges: FilterOption[];
  /** What the search box looks in, said under it. */
  searchHelp: string;
}

/**
 * The Logs filters. The URL is their only state and they apply as they change (selects at once, typing after a
 * pause), each change a step of Back/Forward; a new filter starts from the newest deliveries. On phones they fold
 * behind a Filters button.
 */
export function LogsFilters({ endpoints, organizations, statuses, types, ranges, searchHelp }: LogsFiltersProps) {
  const { state, set } = useUrlState(FILTER_KEYS);
  const zone = useTimeZone();
  const [open, setOpen] = useState(false);
  const formId = useId();
  const apply = (patch: Partial<Record<FilterKey, string | null>>) => set({ ...patch, before: null, after: null });

  const q = useTypedValue(state.q ?? "", (value) => apply({ q: value }));
  const urlFrom = utcToText(state.from, zone);
  const urlTo = utcToText(state.to, zone);
  const [rangeDraft, setRangeDraft] = useState({ from: urlFrom, to: urlTo });
  const [seenRange, setSeenRange] = useState(`${urlFrom}|${urlTo}`);
  if (seenRange !== `${urlFrom}|${urlTo}`) {
    // Only the side whose URL value moved follows it: To being typed while From's change loads is kept.
    const [seenFrom, seenTo] = seenRange.split("|");
    setSeenRange(`${urlFrom}|${urlTo}`);
    setRangeDraft((d) => ({ from: urlFrom !== seenFrom ? urlFrom : d.from, to: urlTo !== seenTo ? urlTo : d.to }));
  }
  const rangeTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const applyRef = useRef(apply);
  useEffect(() => {
    applyRef.current = apply;
  });
  useEffect(() => () => clearTimeout(rangeTimer.current), []);
  // Unreadable text is said once the person leaves the field (not while they are still typing it).
  const [left, setLeft] = useState({ from: false, to: false });
  const rangeCheck = (range: typeof rangeDraft) => {
    const from = parseDateTimeInput(range.from, zone);
    const to = parseDateTimeInput(range.to, zone);
    return {
      fromBad: unreadable(range.from, zone),
      toBad: unreadable(range.to, zone),
      order: Boolean(from && to && from >= to),
    };
  };
  const check = rangeCheck(rangeDraft);
  const fromProblem = check.fromBad && left.from ? `From: ${DATE_TIME_INPUT_HELP}` : undefined;
  const toProblem = check.toBad && left.to ? `To: ${DATE_TIME_INPUT_HELP}` : undefined;
  const rangeProblem = check.order ? "From must be before To: change one of them." : undefined;
  const changeRange = (patch: Partial<typeof rangeDraft>) => {
    const next = { ...rangeDraft, ...patch };
    setRangeDraft(next);
    setLeft((l) => ({ from: "from" in patch ? false : l.from, to: "to" in patch ? false : l.to }));
    clearTimeout(rangeTimer.current);
    const bad = rangeCheck(next);
    if (bad.fromBad || bad.toBad || bad.order) return;
    // A date is typed a character at a time: the URL follows once the typing pauses. A custom range replaces a preset.
    rangeTimer.current = setTimeout(
      () => applyRef.current({ from: textToUtc(next.from, zone), to: textToUtc(next.to, zone), range: null }),
      TYPING_DELAY_MS,
    );
  };

  const active = FILTER_KEYS.filter((k) => state[k]).length;
  const zoneText = zoneLabel(zone);
  const clear = () => {
    clearTimeout(rangeTimer.current);
    apply(Object.fromEntries(FILTER_KEYS.map((k) => [k, null])));
  };

  return (
    <div className="mb-4">
      <div className="mb-2 flex items-center gap-2 sm:hidden">
        <Button type="button" variant="outline" aria-expanded={open} aria-controls={formId} onClick={() => setOpen((o) => !o)}>
          <SlidersHorizontal className="size-4" aria-hidden />
          Filters{active > 0 ? ` (${active})` : ""}
        </Button>
        {active > 0 ? (
          <Button type="button" variant="ghost" onClick={clear}>
            Clear
          </Button>
        ) : null}
      </div>
      <form
        id={formId}
        className={cn("gap-3 rounded-lg border bg-card p-4 sm:grid sm:grid-cols-2 lg:grid-cols-4", open ? "grid" : "hidden")}
        role="search"
        aria-label="Filter deliveries"
        onSubmit={(e) => {
          e.preventDefault();
          q.flush();
        }}
      >
        {organizations ? (
          <FilterSelect name="org" label="Organization" anyLabel="All organizations" options={organizations} value={state.org ?? ""} onChange={(v) => apply({ org: v })} />
        ) : null}
        {endpoints ? (
          <FilterSelect name="endpoint" label="Endpoint" anyLabel="All endpoints" options={endpoints} value={state.endpoint ?? ""} onChange={(v) => apply({ endpoint: v })} />
        ) : null}
        <FilterSelect name="status" label="Status" anyLabel="Any status" options={statuses} value={state.status ?? ""} onChange={(v) => apply({ status: v })} />
        <FilterSelect name="type" label="Event type" anyLabel="Any type" options={types} value={state.type ?? ""} onChange={(v) => apply({ type: v })} />
        <FilterSelect
          name="range"
          label="Time"
          anyLabel={state.from || state.to ? "Custom range" : "Any time"}
          options={ranges}
          // From and To win over a preset: the select shows what the table is filtered by.
          value={state.from || state.to ? "" : (state.range ?? "")}
          onChange={(v) => {
            clearTimeout(rangeTimer.current);
            apply({ range: v, from: null, to: null });
          }}
        />
        <div className="space-y-1 sm:col-span-2">
          <Label htmlFor="filter-q">Search</Label>
          <Input
            id="filter-q"
            name="q"
            type="search"
            value={q.draft}
            onChange={(e) => q.change(e.target.value)}
            onBlur={q.flush}
            placeholder="evt_r1rgh…, jane@example.com, BDG-CLOUD-ARCH"
            aria-describedby="filter-q-help"
            autoComplete="off"
          />
          <p id="filter-q-help" className="text-xs text-muted-foreground">
            {searchHelp}
          </p>
        </div>
        {(["from", "to"] as const).map((side) => {
          const problem = side === "from" ? fromProblem : toProblem;
          const invalid = Boolean(problem || rangeProblem);
          return (
            <div key={side} className="space-y-1">
              <Label htmlFor={`filter-${side}`}>
                {side === "from" ? "From" : "To"} ({zoneText})
              </Label>
              <DateTimeInput
                id={`filter-${side}`}
                name={side}
                zone={zone}
                value={rangeDraft[side]}
                aria-invalid={invalid ? true : undefined}
                aria-describedby={invalid ? "filter-range-error" : undefined}
                onValueChange={(text) => changeRange({ [side]: text })}
                onBlur={() => setLeft((l) => ({ ...l, [side]: true }))}
                onKeyDown={(e) => {
                  if (e.key === "Enter") setLeft((l) => ({ ...l, [side]: true }));
                }}
              />
            </div>
          );
        })}
        {active > 0 ? (
          <div className="hidden justify-end sm:col-span-2 sm:flex lg:col-span-4">
            <Button type="button" variant="ghost" onClick={clear}>
              Clear filters
            </Button>
          </div>
        ) : null}
        <p
          id="filter-range-error"
          role="alert"
          className={cn("text-sm text-destructive sm:col-span-2 lg:col-span-4", fromProblem || toProblem || rangeProblem ? "" : "hidden")}
        >
          {[fromProblem, toProblem, rangeProblem].filter(Boolean).join(" ")}
        </p>
      </form>
    </div>
  );
}

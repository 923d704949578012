"use client";

import { useState, type ComponentProps } from "react";
import { Input } from "@/components/ui/input";
import { DATE_TIME_INPUT_EXAMPLE, formatDateTimeInput, parseDateTimeInput } from "@/lib/format";

/** What a typed date field says when it cannot read its text. */
export const DATE_TIME_INPUT_HELP = `Write a date and time like ${DATE_TIME_INPUT_EXAMPLE}.`;

type DateTimeInputProps = Omit<ComponentProps<typeof Input>, "type" | "value" | "onChange" | "placeholder"> & {
  value: string;
  onValueChange: (text: string) => void;
  /** The zone the text is read in (the field's label names it): on leaving the field, readable text is rewritten in the app's format. */
  zone: string;
};

/**
 * A date and time typed in the app's one format ("29 Nov 2026, 13:36", an example as placeholder) on the clock of the
 * zone its label names, instead of the browser's own date input (which shows "11/28/2026, 12:35 PM"). A text field:
 * typed and edited with the keyboard alone, read with `parseDateTimeInput`.
 */
export function DateTimeInput({ value, onValueChange, zone, onBlur, ...props }: DateTimeInputProps) {
  return (
    <Input
      {...props}
      type="text"
      inputMode="text"
      autoComplete="off"
      spellCheck={false}
      placeholder={`e.g. ${DATE_TIME_INPUT_EXAMPLE}`}
      value={value}
      onChange={(e) => onValueChange(e.target.value)}
      onBlur={(e) => {
        const parsed = parseDateTimeInput(value, zone);
        const tidy = parsed ? formatDateTimeInput(parsed, zone) : value;
        if (tidy !== value) onValueChange(tidy);
        onBlur?.(e);
      }}
    />
  );
}

/**
 * One typed date field holding an instant: it shows the instant on `zone`'s clock (following the zone when it
 * changes, as it does after hydration) until the person types, then their text. `date` is undefined while the text
 * cannot be read, and `problem` says so.
 */
export function useDateTimeField(initial: Date | undefined | (() => Date | undefined), zone: string) {
  const [date, setDate] = useState(initial);
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? formatDateTimeInput(date, zone);
  const problem = draft !== null && draft.trim() !== "" && !parseDateTimeInput(draft, zone) ? DATE_TIME_INPUT_HELP : undefined;
  return {
    date,
    text,
    problem,
    onValueChange(next: string) {
      setDraft(next);
      setDate(parseDateTimeInput(next, zone));
    },
  };
}

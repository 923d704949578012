"use client";

import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";

export interface Choice {
  value: string;
  label: string;
}

export interface ChoiceSelectProps {
  value: string;
  onValueChange: (value: string) => void;
  choices: readonly Choice[];
  /** The trigger's id, for a <Label htmlFor>. */
  id?: string;
  /** In a form read with FormData: Radix renders a hidden native select with this name. */
  name?: string;
  disabled?: boolean;
  className?: string;
  "aria-label"?: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
  "data-testid"?: string;
}

/**
 * The portal's styled select (Radix Select in the theme's colours, light and dark) for a short list of plain choices:
 * the same look as every other control, a keyboard like a native select's (type to jump, arrows, Enter). Radix does
 * not allow an empty value; give "no choice" a value of its own (e.g. "any").
 */
export function ChoiceSelect({ value, onValueChange, choices, id, name, disabled, className, ...aria }: ChoiceSelectProps) {
  return (
    <Select value={value} onValueChange={onValueChange} name={name} disabled={disabled}>
      <SelectTrigger
        id={id}
        className={className}
        aria-label={aria["aria-label"]}
        aria-invalid={aria["aria-invalid"]}
        aria-describedby={aria["aria-describedby"]}
        data-testid={aria["data-testid"]}
      >
        {/* The chosen label is written out: Radix fills it in only after hydration, which left the trigger empty in the
            server-rendered page (a blank select until the script ran). */}
        <SelectValue>{choices.find((choice) => choice.value === value)?.label}</SelectValue>
      </SelectTrigger>
      <SelectContent>
        {choices.map((choice) => (
          <SelectItem key={choice.value} value={choice.value}>
            {choice.label}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}

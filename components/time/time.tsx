"use client";

import { cn } from "@/components/ui/cn";
import { formatClock, formatDateTime, formatExact, formatRelative } from "@/lib/format";
import { useNow, useTimeZone } from "./time-zone";

/**
 * A point in time as Herald shows it everywhere: in the person's zone, in the one date format, exact on hover (with
 * UTC). `relative` shows "3 min ago" / "in 40 s" instead; `seconds` where attempts are compared.
 */
export function Time({
  value,
  relative = false,
  clock = false,
  seconds = false,
  className,
  prefix,
}: {
  value: Date | string | number | null | undefined;
  relative?: boolean;
  /** The time of day alone when it is today ("12:38:37 CET"), the full date and time otherwise. */
  clock?: boolean;
  seconds?: boolean;
  className?: string;
  /** Text before the time inside the same element ("next attempt "), so that the hover covers both. */
  prefix?: string;
}) {
  const timeZone = useTimeZone();
  const now = useNow();
  if (!value) return <span className={cn("text-muted-foreground", className)}>—</span>;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return <span className={cn("text-muted-foreground", className)}>—</span>;
  const shown = relative
    ? formatRelative(date, now, { timeZone })
    : clock
      ? formatClock(date, now, { timeZone, seconds })
      : formatDateTime(date, { timeZone, seconds });
  return (
    <time dateTime={date.toISOString()} title={formatExact(date, timeZone)} className={cn("whitespace-nowrap", className)}>
      {prefix}
      {shown}
    </time>
  );
}

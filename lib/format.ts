/**
 * The one way Herald writes times, for the server and the browser alike:
 * - one date format, "29 Nov 2026, 12:36" (with seconds where attempts are compared: "12:36:05"), followed by the
 *   zone's short name ("CET", "UTC", "GMT+5:30");
 * - relative times ("3 min ago", "in 40 s") in lists, with the exact time (and UTC) on hover;
 * - the person's time zone (the browser's, or the one chosen in Settings), never the server's.
 * Date fields are typed in the same format ("29 Nov 2026, 13:36") on the wall clock of the zone their label names:
 * `formatDateTimeInput` / `parseDateTimeInput`. URLs and actions carry "2026-11-29T12:36" in UTC: `toZonedInput` /
 * `fromZonedInput` convert between such a wall-clock text and an instant in a given zone.
 */

export const UTC = "UTC";

type TimeValue = Date | string | number | null | undefined;

function toDate(value: TimeValue): Date | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** True for a zone name the runtime knows ("Europe/Paris", "UTC"); false for anything else. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, seconds: boolean, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      day: "numeric",
      month: "short",
      year: "numeric",
      ...(withTime
        ? { hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}), hourCycle: "h23", timeZoneName: "short" }
        : {}),
    } as Intl.DateTimeFormatOptions);
    formatters.set(key, f);
  }
  return f;
}

export interface FormatOptions {
  /** IANA zone; UTC when absent or unknown. */
  timeZone?: string;
  /** "12:36:05" instead of "12:36": wherever attempts are compared. */
  seconds?: boolean;
}

/** "29 Nov 2026, 12:36 CET" (or with seconds); "—" for no time. */
export function formatDateTime(value: TimeValue, { timeZone = UTC, seconds = false }: FormatOptions = {}): string {
  const date = toDate(value);
  if (!date) return "—";
  return formatter(isTimeZone(timeZone) ? timeZone : UTC, seconds, true).format(date);
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * "12:38:37 CET" for a time on the person's today, else the full "30 Nov 2026, 00:38:37 CET": where a time of
 * day is what matters ("Retrying at …") and the date only when it is another day.
 */
export function formatClock(value: TimeValue, now: number, { timeZone = UTC, seconds = false }: FormatOptions = {}): string {
  const date = toDate(value);
  if (!date) return "—";
  const zone = isTimeZone(timeZone) ? timeZone : UTC;
  if (formatDate(date, { timeZone: zone }) !== formatDate(now, { timeZone: zone })) return formatDateTime(date, { timeZone: zone, seconds });
  const key = `${zone}|${seconds}`;
  let f = clockFormatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone,
      hour: "2-digit",
      minute: "2-digit",
      ...(seconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
      timeZoneName: "short",
    });
    clockFormatters.set(key, f);
  }
  return f.format(date);
}

/** "29 Nov 2026": the date part of the same format. */
export function formatDate(value: TimeValue, { timeZone = UTC }: Pick<FormatOptions, "timeZone"> = {}): string {
  const date = toDate(value);
  if (!date) return "—";
  return formatter(isTimeZone(timeZone) ? timeZone : UTC, false, false).format(date);
}

/**
 * What a hover shows: the exact time with seconds in the person's zone, and in UTC when that zone is another one.
 * "29 Nov 2026, 13:36:05 CET · 29 Nov 2026, 12:36:05 UTC".
 */
export function formatExact(value: TimeValue, timeZone: string = UTC): string {
  const local = formatDateTime(value, { timeZone, seconds: true });
  if (local === "—" || !isTimeZone(timeZone) || timeZone === UTC || timeZone === "Etc/UTC") return local;
  return `${local} · ${formatDateTime(value, { timeZone: UTC, seconds: true })}`;
}

/** "28 s", "2 min 5 s", "1 h 3 min", "3 days": a span of time, to the second under an hour. */
export function formatSpan(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return d === 1 ? "1 day" : `${d} days`;
}

/**
 * "just now", "12 s ago", "3 min ago", "5 h ago", "2 days ago", and for the future "in 40 s", "in 12 h"; past a week,
 * the date itself. `now` is passed in (never read here) so that the server and the browser agree while hydrating.
 */
export function formatRelative(value: TimeValue, now: number, { timeZone = UTC }: Pick<FormatOptions, "timeZone"> = {}): string {
  const date = toDate(value);
  if (!date) return "—";
  const diff = date.getTime() - now;
  const s = Math.round(Math.abs(diff) / 1000);
  if (s < 5) return diff > 0 ? "in a moment" : "just now";
  let span: string;
  if (s < 60) span = `${s} s`;
  else if (s < 3600) span = `${Math.floor(s / 60)} min`;
  else if (s < 86_400) span = `${Math.floor(s / 3600)} h`;
  else if (s < 7 * 86_400) span = Math.floor(s / 86_400) === 1 ? "1 day" : `${Math.floor(s / 86_400)} days`;
  else return formatDate(date, { timeZone });
  return diff > 0 ? `in ${span}` : `${span} ago`;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `date`, in ms (negative west of Greenwich). */
export function zoneOffsetMs(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour) % 24, Number(parts.minute), Number(parts.second));
  return wall - Math.floor(date.getTime() / 1000) * 1000;
}

const INPUT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** The wall-clock text ("2026-11-29T13:36") that shows `value` on `timeZone`'s clock: URLs and actions carry it. */
export function toZonedInput(value: TimeValue, timeZone: string = UTC): string {
  const date = toDate(value);
  if (!date) return "";
  const zone = isTimeZone(timeZone) ? timeZone : UTC;
  return new Date(date.getTime() + zoneOffsetMs(date, zone)).toISOString().slice(0, 16);
}

/**
 * The instant a wall-clock text ("2026-11-29T13:36") means on `timeZone`'s clock; undefined when unreadable. A wall-clock time
 * skipped by a daylight-saving change resolves to the instant after the jump.
 */
export function fromZonedInput(value: string | undefined, timeZone: string = UTC): Date | undefined {
  const match = value ? INPUT_PATTERN.exec(value) : null;
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return undefined;
  const zone = isTimeZone(timeZone) ? timeZone : UTC;
  const first = wall - zoneOffsetMs(new Date(wall), zone);
  const second = wall - zoneOffsetMs(new Date(first), zone);
  return new Date(first === second ? first : Math.max(first, second));
}

/** A short label for a zone in a form: "UTC", or "Europe/Paris, CET". */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  if (timeZone === UTC) return UTC;
  const short = formatter(timeZone, false, true)
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  return short && short !== timeZone ? `${timeZone}, ${short}` : timeZone;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/**
 * A typed date-time field's example of the app's one format, without the zone (the label says it): its placeholder
 * ("e.g. 5 Jan 2026, 09:30") and its error message. A fixed date, so that it is never mistaken for a value.
 */
export const DATE_TIME_INPUT_EXAMPLE = "5 Jan 2026, 09:30";

/**
 * A typed date-time field's text: the app's one format on `timeZone`'s wall clock without the zone name ("29 Nov 2026,
 * 13:36"); "" for no time.
 */
export function formatDateTimeInput(value: TimeValue, timeZone: string = UTC): string {
  const wall = toZonedInput(value, timeZone);
  const match = INPUT_PATTERN.exec(wall);
  if (!match) return "";
  const [, y, mo, d, h, mi] = match as unknown as [string, string, string, string, string, string];
  const month = MONTHS[Number(mo) - 1]!;
  return `${Number(d)} ${month[0]!.toUpperCase()}${month.slice(1)} ${y}, ${h}:${mi}`;
}

const TYPED_APP = /^(\d{1,2})\s+([a-z]{3,9})\.?\s+(\d{4})(?:\s*,?\s*(?:at\s+)?(\d{1,2}):(\d{2}))?$/i;
const TYPED_ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t\s]+(\d{1,2}):(\d{2}))?$/i;

/**
 * The instant a typed date-time means on `timeZone`'s wall clock: the app's format ("29 Nov 2026, 13:36", the comma
 * and month case optional, the month's full name too), or ISO ("2026-11-29 13:36"); a date alone means its midnight.
 * Undefined for empty or unreadable text, or a date that does not exist (30 Feb).
 */
export function parseDateTimeInput(text: string, timeZone: string = UTC): Date | undefined {
  const value = text.trim().replace(/\s+/g, " ");
  if (!value) return undefined;
  let parts: [number, number, number, number, number] | undefined;
  const app = TYPED_APP.exec(value);
  if (app) {
    const name = app[2]!.toLowerCase();
    const month = MONTHS.findIndex((m) => name.startsWith(m));
    const full = new Intl.DateTimeFormat("en-GB", { month: "long", timeZone: UTC }).format(Date.UTC(2026, month, 1)).toLowerCase();
    // "Nov" and "November" are the month; "Novx" is not.
    if (month >= 0 && (name.length === 3 || full === name)) {
      parts = [Number(app[3]), month + 1, Number(app[1]), Number(app[4] ?? 0), Number(app[5] ?? 0)];
    }
  } else {
    const iso = TYPED_ISO.exec(value);
    if (iso) parts = [Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0)];
  }
  if (!parts) return undefined;
  const pad = (n: number) => String(n).padStart(2, "0");
  const [y, mo, d, h, mi] = parts;
  return fromZonedInput(`${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}`, timeZone);
}

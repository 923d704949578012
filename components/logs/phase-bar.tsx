/** The phases of one attempt, in milliseconds (null: the phase did not happen or was not reached). */
export interface PhaseTimings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  ttfbMs: number | null;
  durationMs: number;
}

export const PHASES = [
  { key: "dnsMs", label: "DNS", color: "oklch(0.70 0.12 250)" },
  { key: "connectMs", label: "Connect", color: "oklch(0.65 0.13 200)" },
  { key: "tlsMs", label: "TLS", color: "oklch(0.70 0.14 300)" },
  { key: "ttfbMs", label: "Waiting (TTFB)", color: "oklch(0.72 0.15 70)" },
] as const;
const BODY_COLOR = "oklch(0.75 0.05 150)";

const ms = (value: number) => (value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`);

/**
 * One attempt's time as a horizontal bar: DNS, connect, TLS, waiting for the first byte, then the rest (reading the
 * answer). A reused connection has no DNS, connect or TLS segment; an attempt recorded before phases were measured
 * shows nothing.
 */
export function PhaseBar({ timings }: { timings: PhaseTimings }) {
  const parts = PHASES.filter((p) => timings[p.key] !== null).map((p) => ({ ...p, value: timings[p.key] as number }));
  if (parts.length === 0) return null;
  const measured = parts.reduce((n, p) => n + p.value, 0);
  const rest = Math.max(0, timings.durationMs - measured);
  const total = Math.max(timings.durationMs, measured, 0.1);
  const segments = [...parts, ...(rest >= 0.5 && timings.ttfbMs !== null ? [{ key: "rest", label: "Response body", color: BODY_COLOR, value: rest }] : [])];
  const reused = timings.connectMs === null && timings.ttfbMs !== null;
  const summary = segments.map((s) => `${s.label} ${ms(s.value)}`).join(", ");
  return (
    <div className="space-y-1.5" data-testid="attempt-phases">
      <div
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-muted"
        role="img"
        aria-label={`Where the time went: ${summary}${reused ? " (reused connection)" : ""}`}
      >
        {segments.map((s) => (
          <span key={s.key} className="h-full" style={{ width: `${(s.value / total) * 100}%`, minWidth: s.value > 0 ? 2 : 0, background: s.color }} />
        ))}
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
        {segments.map((s) => (
          <li key={s.key} className="flex items-center gap-1">
            <span className="size-2.5 rounded-sm" style={{ background: s.color }} aria-hidden />
            {s.label} <span className="tabular-nums text-foreground">{ms(s.value)}</span>
          </li>
        ))}
        {reused ? <li>Reused connection: no DNS, connect or TLS</li> : null}
      </ul>
    </div>
  );
}

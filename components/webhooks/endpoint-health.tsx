"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTimeZone } from "@/components/time/time-zone";
import { formatDateTime, toZonedInput } from "@/lib/format";

interface Props {
  buckets: { hour: string; succeeded: number; failed: number }[];
  range: "24h" | "7d";
}

const SUCCEEDED = "oklch(0.55 0.14 155)";
const FAILED = "oklch(0.55 0.21 25)";

/** Succeeded vs failed deliveries per hour, stacked. */
export function EndpointHealthChart({ buckets, range }: Props) {
  const zone = useTimeZone();
  // Hours on the person's clock: "2026-11-29T13:00" in their zone.
  const label = (iso: string) => {
    const local = toZonedInput(iso, zone);
    return range === "24h" ? local.slice(11, 16) : `${local.slice(8, 10)}/${local.slice(5, 7)} ${local.slice(11, 16)}`;
  };
  const total = buckets.reduce((n, b) => n + b.succeeded + b.failed, 0);
  return (
    <figure className="space-y-2">
      <div className="h-48 w-full" role="img" aria-label={`Deliveries per hour over the last ${range}: ${total} in all`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={buckets} margin={{ top: 4, right: 4, bottom: 0, left: -20 }}>
            <CartesianGrid vertical={false} strokeDasharray="3 3" />
            <XAxis dataKey="hour" tickFormatter={label} tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip labelFormatter={(v) => formatDateTime(String(v), { timeZone: zone })} />
            <Bar dataKey="succeeded" name="Succeeded" stackId="d" fill={SUCCEEDED} isAnimationActive={false} />
            <Bar dataKey="failed" name="Failed" stackId="d" fill={FAILED} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="flex gap-4 text-xs text-muted-foreground">
        <span className="flex items-center gap-1">
          <span className="size-2.5 rounded-sm" style={{ background: SUCCEEDED }} aria-hidden /> Succeeded
        </span>
        <span className="flex items-center gap-1">
          <span className="size-2.5 rounded-sm" style={{ background: FAILED }} aria-hidden /> Failed
        </span>
      </figcaption>
    </figure>
  );
}

const PHASE_LABELS = { dns: "DNS", connect: "Connect", tls: "TLS", ttfb: "Waiting (TTFB)" } as const;
const phaseMs = (v: number | null) => (v === null ? "—" : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);

/**
 * p50/p95 of each phase of the endpoint's attempts: whether slowness is DNS, the connection, TLS or the receiver's
 * handler (TTFB). DNS, connect and TLS count only attempts that opened a new connection.
 */
export function EndpointPhasePercentiles({ phases }: { phases: Record<keyof typeof PHASE_LABELS, { p50: number | null; p95: number | null }> }) {
  return (
    <table className="w-full text-sm" data-testid="phase-percentiles">
      <caption className="sr-only">Time per phase of an attempt, p50 and p95</caption>
      <thead>
        <tr className="text-left text-muted-foreground">
          <th scope="col" className="py-1 font-normal">Phase</th>
          <th scope="col" className="py-1 text-right font-normal">p50</th>
          <th scope="col" className="py-1 text-right font-normal">p95</th>
        </tr>
      </thead>
      <tbody>
        {(Object.keys(PHASE_LABELS) as (keyof typeof PHASE_LABELS)[]).map((p) => (
          <tr key={p} className="border-t">
            <th scope="row" className="py-1 text-left font-normal">{PHASE_LABELS[p]}</th>
            <td className="py-1 text-right tabular-nums">{phaseMs(phases[p].p50)}</td>
            <td className="py-1 text-right tabular-nums">{phaseMs(phases[p].p95)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { cn } from "@/components/ui/cn";
import { formatRate, successSummary, type HourlyOutcome } from "@/lib/endpoints/success-rate";

const BAR = 2;
const GAP = 1;
const HEIGHT = 20;

/**
 * The last 24 hours' success rate as 24 bars, one per hour (oldest on the left): the bar's height is the hour's rate,
 * green when every delivery succeeded, amber when some failed, red when most did; a flat grey tick is an hour
 * without finished deliveries. Beside it the rate in figures; screen readers hear the numbers (successSummary).
 */
export function SuccessSparkline({ hours }: { hours: HourlyOutcome[] }) {
  const finished = hours.reduce((n, h) => n + h.finished, 0);
  const succeeded = hours.reduce((n, h) => n + h.succeeded, 0);
  const rate = formatRate(succeeded, finished);
  const label = successSummary(hours);
  const width = hours.length * (BAR + GAP) - GAP;
  return (
    <span className="inline-flex items-center gap-2" data-testid="success-sparkline" data-rate={rate ?? ""}>
      <svg role="img" aria-label={label} width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`} className="shrink-0 overflow-visible">
        <title>{label}</title>
        {hours.map((h, i) => {
          const x = i * (BAR + GAP);
          if (h.finished === 0) return <rect key={i} x={x} y={HEIGHT - 1} width={BAR} height={1} className="fill-muted-foreground/40" />;
          const share = h.succeeded / h.finished;
          const height = Math.max(2, Math.round(share * HEIGHT));
          const tone = share === 1 ? "fill-success" : share >= 0.5 ? "fill-warning" : "fill-destructive";
          return (
            <g key={i}>
              {/* The failed share, faint, so that a 0% hour still shows as a full (red) bar. */}
              <rect x={x} y={0} width={BAR} height={HEIGHT - height} className="fill-destructive/25" />
              <rect x={x} y={HEIGHT - height} width={BAR} height={height} className={cn(tone, share === 0 && "fill-destructive/25")} />
            </g>
          );
        })}
      </svg>
      <span className={cn("text-sm tabular-nums", rate === null && "text-muted-foreground")}>{rate ?? "—"}</span>
    </span>
  );
}

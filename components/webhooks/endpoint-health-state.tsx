import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import type { EndpointDisabledCause, EndpointHealthState, EndpointLastFailure } from "@/db/schema";
import { describeFailure } from "@/lib/delivery/describe-failure";

/** What a person-facing cause says; Herald's own causes carry their stored reason. */
export const DISABLED_CAUSE_LABELS: Record<EndpointDisabledCause, string> = {
  gone: "410 Gone",
  consecutive_failures: "50 failed deliveries in a row",
  failing_too_long: "3 days failing",
  person: "Switched off by a person",
};

const LABELS: Record<EndpointHealthState, string> = { healthy: "Healthy", failing: "Failing", disabled: "Disabled" };
const VARIANTS = { healthy: "success", failing: "warning", disabled: "secondary" } as const;

/** The health state as a badge: Healthy, Failing or Disabled. */
export function HealthBadge({ health }: { health: EndpointHealthState }) {
  return (
    <Badge variant={VARIANTS[health]} data-testid="health-badge" data-health={health}>
      {LABELS[health]}
    </Badge>
  );
}

/**
 * One line under the badge: since when it fails and its last answer, or why it is disabled. Nothing for a healthy
 * endpoint.
 */
export function HealthDetail({
  health,
  failingSince,
  lastFailure,
  disabledCause,
  disabledReason,
  timeoutSeconds,
}: {
  health: EndpointHealthState;
  failingSince: string | null;
  lastFailure: EndpointLastFailure | null;
  disabledCause: EndpointDisabledCause | null;
  disabledReason: string | null;
  timeoutSeconds: number;
}) {
  if (health === "failing") {
    return (
      <span className="text-xs text-muted-foreground" data-testid="health-detail">
        since <Time value={failingSince} relative />
        {lastFailure ? <>: {describeFailure(lastFailure, timeoutSeconds)}</> : null}
      </span>
    );
  }
  if (health === "disabled") {
    const text = disabledReason ?? (disabledCause ? DISABLED_CAUSE_LABELS[disabledCause] : null);
    return text ? (
      <span className="text-xs text-muted-foreground" data-testid="health-detail">
        {text}
      </span>
    ) : null;
  }
  return null;
}

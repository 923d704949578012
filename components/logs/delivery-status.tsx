import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { isRetrying, statusVariant } from "./status";

/**
 * A delivery's status as Logs, the endpoint's recent deliveries and the delivery page show it: a delivery waiting for
 * its next retry says "Retrying at 12:38:37 CET" (the exact time on hover) instead of "Pending".
 */
export function DeliveryStatus({
  status,
  nextAttemptAt,
  attemptCount,
  testId,
}: {
  status: string;
  nextAttemptAt: Date | string | null;
  attemptCount: number;
  testId?: string;
}) {
  if (isRetrying({ status, nextAttemptAt, attemptCount })) {
    return (
      <Badge variant="warning" data-testid={testId} data-status="retrying" className="whitespace-nowrap">
        Retrying at <Time value={nextAttemptAt} clock seconds />
      </Badge>
    );
  }
  return (
    <Badge variant={statusVariant(status)} className="capitalize" data-testid={testId} data-status={status}>
      {status}
    </Badge>
  );
}

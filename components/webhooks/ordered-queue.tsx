import { ListOrdered } from "lucide-react";
import Link from "next/link";
import { statusVariant } from "@/components/logs/status";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import type { OrderedQueue } from "@/lib/delivery/ordered-queue";

/**
 * An ordered endpoint's queue on its page: the delivery at its head (what it waits for) and how many wait behind it.
 */
export function OrderedQueueCard({ queue }: { queue: OrderedQueue }) {
  const { head, waiting } = queue;
  return (
    <Card data-testid="ordered-queue">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <ListOrdered className="size-4" aria-hidden />
          Ordered delivery
        </CardTitle>
        <CardDescription>
          Events go out one at a time, in the order they were published: the next waits until the one at the head succeeded,
          used up its retries or was cancelled. A redelivery joins the back of the queue.
        </CardDescription>
      </CardHeader>
      <CardContent className="text-sm">
        {!queue.enforced ? (
          <p className="text-muted-foreground" data-testid="ordered-queue-not-enforced">
            This installation delivers through Inngest, which does not keep this order: events to this endpoint may arrive
            out of order.
          </p>
        ) : head === null ? (
          <p className="text-muted-foreground" data-testid="ordered-queue-empty">
            Nothing is waiting: the next event published goes out at once.
          </p>
        ) : (
          <dl className="grid gap-4 sm:grid-cols-[1fr_auto]">
            <div className="min-w-0">
              <dt className="text-muted-foreground">Queue head</dt>
              <dd className="mt-1 flex flex-wrap items-center gap-2" data-testid="ordered-queue-head">
                <Link href={`/webhooks/logs/${head.deliveryId}`} className="min-w-0 truncate font-mono text-[13px] underline-offset-4 hover:underline">
                  {head.eventType}
                </Link>
                <Badge variant={statusVariant(head.status)} className="capitalize">
                  {head.status}
                </Badge>
                <span className="text-muted-foreground">
                  {head.attempts === 0 ? "not sent yet" : `${head.attempts} ${head.attempts === 1 ? "attempt" : "attempts"}`}
                  {head.nextAttemptAt ? (
                    <>
                      , next <Time value={head.nextAttemptAt} relative />
                    </>
                  ) : null}
                </span>
              </dd>
            </div>
            <div>
              <dt className="text-muted-foreground">Waiting behind it</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid="ordered-queue-waiting">
                {waiting}
              </dd>
            </div>
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

import Link from "next/link";
import { Fragment, type ReactNode } from "react";
import { Breadcrumb } from "@/components/portal/breadcrumb";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import type { getDeliveryDetail } from "@/db/queries/deliveries";
import { Time } from "@/components/time/time";
import { eventEnvelope } from "@/lib/delivery/attempt";
import { toCurl } from "@/lib/delivery/curl";
import { endpointLabel } from "@/lib/endpoints/label";
import { formatSpan } from "@/lib/format";
import { PhaseBar } from "./phase-bar";
import { DeliveryStatus } from "./delivery-status";
import { isRetrying } from "./status";

type Detail = NonNullable<Awaited<ReturnType<typeof getDeliveryDetail>>>;

function HeaderList({ headers }: { headers: Record<string, string> | null }) {
  if (!headers || Object.keys(headers).length === 0) return <p className="text-sm text-muted-foreground">None</p>;
  return (
    <dl className="grid grid-cols-[minmax(8rem,auto)_1fr] gap-x-4 gap-y-1 font-mono text-xs">
      {Object.entries(headers).map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-muted-foreground">{name}</dt>
          <dd className="break-all">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export interface DeliveryActionState {
  /** Why Redeliver cannot be used now, in words; undefined when it can. */
  redeliverBlocked: string | undefined;
  /** The delivery waits for its backoff and its endpoint can receive: Retry now applies. */
  waitingForRetry: boolean;
}

/** What Redeliver and Retry now can do for a delivery, and why not. */
export function deliveryActionState({ delivery, endpoint, attempts }: Detail): DeliveryActionState {
  const finished = ["succeeded", "failed", "cancelled"].includes(delivery.status);
  const waitingForRetry = delivery.status === "pending" && Boolean(delivery.nextAttemptAt) && endpoint.active && !endpoint.deletedAt;
  const next = `attempt ${delivery.attemptCount + 1}`;
  const redeliverBlocked = endpoint.deletedAt
    ? "Redeliver is unavailable: its endpoint was deleted."
    : !endpoint.active
      ? "Redeliver is unavailable: its endpoint is disabled. Switch it to Active on the endpoint's page first."
      : finished
        ? undefined
        : waitingForRetry
          ? `Redeliver is for finished deliveries: this one is waiting to send ${next}. Retry now sends it at once.`
          : delivery.status === "delivering" || attempts.length === 0
            ? "Redeliver is for finished deliveries: an attempt is under way."
            : "Redeliver is for finished deliveries: this one has not finished yet.";
  return { redeliverBlocked, waitingForRetry };
}

/** A delivery's payload and every attempt, for the partner's Logs and the Admin section alike. */
export function DeliveryDetail({
  detail,
  parent,
  organizationName,
  actions,
  endpointHref,
}: {
  detail: Detail;
  parent: { href: string; label: string };
  organizationName?: string;
  actions?: (state: DeliveryActionState) => ReactNode;
  /** Where the endpoint's name links to (the partner's endpoint page); absent: plain text. */
  endpointHref?: string;
}) {
  const { delivery, event, endpoint, attempts } = detail;
  const body = eventEnvelope(event);
  const payload = JSON.stringify(JSON.parse(body), null, 2);
  const label = endpointLabel(endpoint);

  return (
    <div className="space-y-6">
      <div>
        <Breadcrumb parent={parent} current="Delivery" />
        <PageHeader title={event.type} actions={actions?.(deliveryActionState(detail))} />
        <div className="-mt-5 flex flex-wrap items-center gap-2 text-sm">
          <DeliveryStatus status={delivery.status} nextAttemptAt={delivery.nextAttemptAt} attemptCount={delivery.attemptCount} testId="delivery-status" />
          {event.test ? <Badge variant="outline">test</Badge> : null}
          {organizationName ? <span className="font-medium">{organizationName}</span> : null}
          <span className="text-muted-foreground">created</span>
          <Time value={delivery.createdAt} seconds className="text-muted-foreground" />
          {delivery.status === "pending" && delivery.nextAttemptAt ? (
            <span className="text-muted-foreground" data-testid="next-attempt">
              {/* "Retrying at" already says when: here only how long until then. */}
              {isRetrying(delivery) ? (
                <>
                  · <Time value={delivery.nextAttemptAt} relative />
                </>
              ) : (
                <>
                  · next attempt <Time value={delivery.nextAttemptAt} seconds /> (<Time value={delivery.nextAttemptAt} relative />)
                </>
              )}
            </span>
          ) : null}
        </div>
        <dl className="mt-2 flex flex-wrap items-baseline gap-x-2 gap-y-1 text-sm" data-testid="delivery-endpoint">
          <dt className="text-muted-foreground">Endpoint</dt>
          <dd className="flex min-w-0 flex-wrap items-baseline gap-x-2">
            {endpointHref && !endpoint.deletedAt ? (
              <Link href={endpointHref} className="font-medium text-primary hover:underline">
                {label}
              </Link>
            ) : (
              <span className="font-medium">{label}</span>
            )}
            {endpoint.deletedAt ? <span className="text-muted-foreground">(deleted)</span> : null}
            <code className="break-words font-mono text-xs text-muted-foreground">
              {/* A break allowed after each slash: a narrow screen wraps the URL between its parts, not mid-word. */}
              {endpoint.url.split("/").map((part, i) => (
                <Fragment key={i}>
                  {i > 0 ? (
                    <>
                      /<wbr />
                    </>
                  ) : null}
                  {part}
                </Fragment>
              ))}
            </code>
          </dd>
        </dl>
      </div>

      <Card>
        <CardHeader>
          <div className="flex items-center justify-between gap-2">
            <div>
              <CardTitle>Payload</CardTitle>
              <CardDescription>
                <code className="font-mono">webhook-id: {event.id}</code>, the same on every attempt.
              </CardDescription>
            </div>
            <CopyButton value={payload} label="Copy payload" />
          </div>
        </CardHeader>
        <CardContent>
          <pre className="max-h-96 overflow-auto rounded-md border bg-muted/40 p-4 font-mono text-xs" data-testid="payload">
            {payload}
          </pre>
        </CardContent>
      </Card>

      <section aria-labelledby="attempts-title" className="space-y-4">
        <h2 id="attempts-title" className="text-lg font-semibold">
          Attempts ({attempts.length})
        </h2>
        {attempts.length === 0 ? <p className="text-sm text-muted-foreground">No attempt has finished yet.</p> : null}
        {attempts.map((a, i) => (
          <Card key={a.id} data-testid="attempt">
            <CardHeader>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <CardTitle className="flex items-center gap-2 text-base">
                  Attempt {a.attemptNumber}
                  <Badge variant={a.succeeded ? "success" : "destructive"}>{a.succeeded ? "succeeded" : "failed"}</Badge>
                  {a.responseStatus !== null ? <span className="font-mono text-sm">HTTP {a.responseStatus}</span> : null}
                  {a.errorClass ? <code className="font-mono text-xs text-destructive">{a.errorClass}</code> : null}
                </CardTitle>
                <span className="text-sm text-muted-foreground">
                  <Time value={a.startedAt} seconds />
                  {i > 0 ? (
                    <span data-testid="attempt-gap">
                      {" "}
                      · {formatSpan(a.startedAt.getTime() - attempts[i - 1]!.startedAt.getTime())} after attempt {attempts[i - 1]!.attemptNumber}
                    </span>
                  ) : null}{" "}
                  · {a.durationMs} ms
                </span>
              </div>
              {a.errorMessage ? <p className="text-sm text-destructive">{a.errorMessage}</p> : null}
              <PhaseBar timings={a} />
            </CardHeader>
            <CardContent className="grid gap-6 lg:grid-cols-2">
              <div className="space-y-2">
                <div className="flex items-center justify-between">
                  <h3 className="text-sm font-medium">Request</h3>
                  <CopyButton value={toCurl(a.requestUrl, a.requestHeaders, body)} label="Copy as curl" />
                </div>
                {Object.values(a.requestHeaders).some((v) => v.endsWith("••••••••")) ? (
                  <p className="text-xs text-muted-foreground" data-testid="curl-note">
                    Copy as curl puts a shell variable (such as <code className="font-mono">$X_API_KEY</code>) where a header is
                    stored masked: set it to the real value before running the command.
                  </p>
                ) : null}
                <p className="break-all font-mono text-xs">POST {a.requestUrl}</p>
                <HeaderList headers={a.requestHeaders} />
              </div>
              <div className="space-y-2">
                <h3 className="text-sm font-medium">Response</h3>
                <HeaderList headers={a.responseHeaders} />
                {a.responseBody ? (
                  <pre className="max-h-64 overflow-auto rounded border bg-muted/40 p-3 font-mono text-xs whitespace-pre-wrap break-all">
                    {a.responseBody}
                  </pre>
                ) : null}
                {a.responseBodyTruncated ? <p className="text-xs text-muted-foreground">Truncated: the first 16 KB are kept.</p> : null}
              </div>
            </CardContent>
          </Card>
        ))}
      </section>
    </div>
  );
}

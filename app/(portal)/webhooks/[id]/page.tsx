import type { Metadata } from "next";
import { OrgDeliveriesPaused } from "@/components/billing/org-deliveries-paused";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Breadcrumb } from "@/components/portal/breadcrumb";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { DeleteEndpoint } from "@/components/webhooks/delete-endpoint";
import { EndpointForm } from "@/components/webhooks/endpoint-form";
import { EndpointHealthChart, EndpointPhasePercentiles } from "@/components/webhooks/endpoint-health";
import { EndpointStatusSwitch } from "@/components/webhooks/endpoint-status-switch";
import { RecoverFailed } from "@/components/webhooks/recover-failed";
import { HealthBadge, HealthDetail } from "@/components/webhooks/endpoint-health-state";
import { SwitchOnRecover } from "@/components/webhooks/switch-on-recover";
import { describeFailure } from "@/lib/delivery/describe-failure";
import { DISABLE_AFTER_CONSECUTIVE_FAILURES } from "@/lib/delivery/constants";
import { SendTestEvent } from "@/components/webhooks/send-test-event";
import { SigningSecret } from "@/components/webhooks/signing-secret";
import { UpgradeNotice } from "@/components/webhooks/upgrade-notice";
import { VerifySnippet } from "@/components/webhooks/verify-snippet";
import { VerificationCheck } from "@/components/webhooks/verification-check";
import { requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { planIncludesWebhooks, webhooksPlanName } from "@/lib/plans";
import { EVENT_CHOICES, EVENT_TYPES } from "@/lib/events/catalog";
import { endpointHealth } from "@/db/queries/webhooks";
import { listRecentDeliveries } from "@/db/queries/deliveries";
import { RecentDeliveries } from "@/components/webhooks/recent-deliveries";
import { Time } from "@/components/time/time";
import { retryNowSupported } from "@/lib/delivery/retry-now";
import { getEndpoint } from "@/lib/endpoints/operations";
import { listVerificationRuns } from "@/db/queries/verification-checks";
import { toVerificationRun } from "@/lib/delivery/verification-check";
import { endpointThrottleState } from "@/lib/delivery/throttle";
import { orderedQueue } from "@/lib/delivery/ordered-queue";
import { OrderedQueueCard } from "@/components/webhooks/ordered-queue";
import { endpointIdSchema } from "../schemas";

export const metadata: Metadata = { title: "Endpoint" };

const RECENT_DELIVERIES = 10;

/**
 * Where "Switch on and redeliver" starts: the time the "disabled" alert's link names (?recover=<ISO time>, when it
 * reads as a past time), else the start of the failing spell, else when it was disabled, else a day ago.
 */
function recoverStart(param: unknown, endpoint: { failingSince: string | null; disabledAt: string | null }): string {
  const now = Date.now();
  const named = typeof param === "string" && param.length <= 40 ? new Date(param) : undefined;
  if (named && !Number.isNaN(named.getTime()) && named.getTime() <= now) return named.toISOString();
  return new Date(endpoint.failingSince ?? endpoint.disabledAt ?? now - 24 * 3_600_000).toISOString();
}

export default async function EndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { org } = await requireSession();
  const { id } = await params;
  const query = await searchParams;
  const range = query.range === "7d" ? "7d" : "24h";

  // A malformed id, an unknown one and another organization's all end in the same 404.
  const endpoint = endpointIdSchema.safeParse(id).success ? await getEndpoint({ orgId: org.id, id }) : undefined;
  if (!endpoint) notFound();
  const allowed = planIncludesWebhooks(org.plan);
  const [health, recent] = await Promise.all([
    endpointHealth({ orgId: org.id, id, hours: range === "7d" ? 168 : 24 }),
    listRecentDeliveries({ orgId: org.id, endpointId: id, limit: RECENT_DELIVERIES }),
  ]);
  const finished = health.succeeded + health.failed;
  const throttle = await endpointThrottleState({ orgId: org.id, endpointId: id });
  // Only an ordered endpoint reads its queue.
  const queue = endpoint.ordered ? await orderedQueue({ orgId: org.id, endpointId: id }) : null;
  const verificationRuns = (await listVerificationRuns({ orgId: org.id, endpointId: id })).map(toVerificationRun);

  return (
    <div className="space-y-6">
      <div>
        <Breadcrumb parent={{ href: "/webhooks", label: "Webhooks" }} current="Endpoint" />
        <PageHeader
          title={endpoint.description || new URL(endpoint.url).host}
          actions={allowed || endpoint.active ? <EndpointStatusSwitch id={endpoint.id} active={endpoint.active} /> : undefined}
        />
        <div className="-mt-5 flex flex-wrap items-center gap-2 text-sm">
          <code className="break-all font-mono" data-testid="endpoint-url">
            {endpoint.url}
          </code>
          {/* Active is said once, by the switch above; a disabled endpoint says so here too, beside why. */}
          {endpoint.active ? null : <Badge variant="secondary">Disabled</Badge>}
          {endpoint.active ? <HealthBadge health={endpoint.health === "disabled" ? "healthy" : endpoint.health} /> : null}
          <HealthDetail
            health={endpoint.active && endpoint.health === "disabled" ? "healthy" : endpoint.health}
            failingSince={endpoint.failingSince}
            lastFailure={endpoint.lastFailure}
            disabledCause={endpoint.disabledCause}
            disabledReason={endpoint.disabledReason}
            timeoutSeconds={endpoint.timeoutSeconds}
          />
          <span className="text-muted-foreground">
            · created <Time value={endpoint.createdAt} />
          </span>
        </div>
        {throttle.throttledUntil || throttle.rate !== null || endpoint.rateLimitPerSecond !== null ? (
          <p className="mt-2 text-sm text-muted-foreground" data-testid="endpoint-throttle" role="status">
            {throttle.throttledUntil ? (
              <span className="font-medium text-amber-700 dark:text-amber-400">
                Throttled by the receiver until <Time value={throttle.throttledUntil} seconds />.{" "}
              </span>
            ) : null}
            {throttle.rate !== null ? (
              <>The receiver asked for less (429, 502, 503 or 504): sending at most {throttle.rate.toFixed(1)} requests per second, rising while it keeps up. </>
            ) : null}
            {endpoint.rateLimitPerSecond !== null ? <>Rate limit: {endpoint.rateLimitPerSecond} requests per second.</> : null}
          </p>
        ) : null}
      </div>

      {queue ? <OrderedQueueCard queue={queue} /> : null}

      {endpoint.active && endpoint.health === "failing" ? (
        <Card className="border-warning/40" data-testid="endpoint-failing">
          <CardHeader>
            <CardTitle>This endpoint is failing</CardTitle>
            <CardDescription>
              Herald keeps retrying. It disables the endpoint after {DISABLE_AFTER_CONSECUTIVE_FAILURES} failed deliveries in a
              row or 3 days without a success, and emails the organization&apos;s owners (and the Alert emails below) before
              and when it does.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid gap-4 text-sm sm:grid-cols-3">
              <div>
                <dt className="text-muted-foreground">Failed attempts</dt>
                <dd className="mt-1 text-xl font-semibold tabular-nums">{endpoint.failedAttempts}</dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Failed deliveries in a row</dt>
                <dd className="mt-1 text-xl font-semibold tabular-nums">
                  {endpoint.consecutiveFailures} of {DISABLE_AFTER_CONSECUTIVE_FAILURES}
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Last answer</dt>
                <dd className="mt-1">
                  {endpoint.lastFailure ? (
                    <Link href={`/webhooks/logs/${endpoint.lastFailure.deliveryId}`} className="text-primary underline-offset-4 hover:underline">
                      {describeFailure(endpoint.lastFailure, endpoint.timeoutSeconds)}
                    </Link>
                  ) : (
                    "—"
                  )}
                </dd>
              </div>
            </dl>
          </CardContent>
        </Card>
      ) : null}

      {allowed && !endpoint.active ? (
        <Card id="recover" className="scroll-mt-6" data-testid="switch-on-card">
          <CardHeader>
            <CardTitle>Switch on and redeliver</CardTitle>
            <CardDescription>
              Once the endpoint answers again: switch it on and send every delivery since a time that did not arrive (failed,
              or cancelled while it was off; at most 1,000 at once), each with its original <code className="font-mono">webhook-id</code>.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <SwitchOnRecover
              id={endpoint.id}
              since={recoverStart(query.recover, endpoint)}
            />
          </CardContent>
        </Card>
      ) : null}

      {/* The paused banner says why deliveries wait; the upgrade notice, why the forms are gone. */}
      <OrgDeliveriesPaused orgId={org.id} />
      {allowed ? null : <UpgradeNotice planName={webhooksPlanName()} currentPlan={org.plan} />}

      {allowed ? (
        <Card>
          <CardHeader>
            <CardTitle>Send test event</CardTitle>
            <CardDescription>
              Sends the event type&apos;s example payload (marked <code className="font-mono">test</code>) to this
              endpoint, signed and with your custom headers, exactly as a real event travels.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {/* Rendered while disabled too: a test event answered 410 disables the endpoint, and its result stays. */}
            <SendTestEvent
              id={endpoint.id}
              active={endpoint.active}
              types={endpoint.eventTypes ?? [...EVENT_TYPES]}
              timeoutSeconds={endpoint.timeoutSeconds}
            />
          </CardContent>
        </Card>
      ) : null}

      {allowed ? (
        <Card data-testid="verification-check">
          <CardHeader>
            <CardTitle>Signature verification</CardTitle>
            <CardDescription>
              Does your endpoint verify what it receives? Herald sends six requests marked as tests: a correctly
              signed one, a wrong signature, a body changed after signing, a 10-minute-old timestamp, a retry, and no
              signature at all. A verifying endpoint accepts the first and the retry and refuses the rest. The check
              never counts as a delivery.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <VerificationCheck
              endpointId={endpoint.id}
              active={endpoint.active}
              brand={env.webhookBrand}
              timeoutSeconds={endpoint.timeoutSeconds}
              runs={verificationRuns}
            />
          </CardContent>
        </Card>
      ) : null}

      <Card data-testid="endpoint-health">
        <CardHeader>
          <div className="flex flex-wrap items-start justify-between gap-2">
            <div>
              <CardTitle>Health</CardTitle>
              <CardDescription>Deliveries per hour, and how fast this endpoint answers.</CardDescription>
            </div>
            <nav aria-label="Time range" className="inline-flex rounded-md border bg-muted p-1 text-sm">
              {(["24h", "7d"] as const).map((r) => (
                <Link
                  key={r}
                  href={r === "24h" ? `/webhooks/${endpoint.id}` : `/webhooks/${endpoint.id}?range=7d`}
                  aria-current={r === range ? "page" : undefined}
                  className={r === range ? "rounded bg-card px-3 py-1 font-medium shadow-sm" : "px-3 py-1 text-muted-foreground hover:text-foreground"}
                >
                  {r === "24h" ? "24 hours" : "7 days"}
                </Link>
              ))}
            </nav>
          </div>
        </CardHeader>
        <CardContent className="space-y-4">
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-muted-foreground">Success rate</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid="success-rate">
                {finished > 0 ? `${((health.succeeded / finished) * 100).toFixed(health.succeeded === finished ? 0 : 1)}%` : "—"}
              </dd>
            </div>
            <div>
              <dt className="text-muted-foreground">Succeeded / failed</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums">
                {health.succeeded} / {health.failed}
              </dd>
            </div>
            <div>
              <dt className="text-muted-foreground">Response p50</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums">{health.p50Ms === null ? "—" : `${health.p50Ms} ms`}</dd>
            </div>
            <div>
              <dt className="text-muted-foreground">Response p95</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums">{health.p95Ms === null ? "—" : `${health.p95Ms} ms`}</dd>
            </div>
          </dl>
          {health.phases.ttfb.p50 !== null ? <EndpointPhasePercentiles phases={health.phases} /> : null}
          {finished > 0 ? (
            <EndpointHealthChart buckets={health.buckets} range={range} />
          ) : (
            <p className="text-sm text-muted-foreground">No finished deliveries in this period yet.</p>
          )}
        </CardContent>
      </Card>

      <RecentDeliveries endpointId={endpoint.id} rows={recent} retryNow={allowed && retryNowSupported()} />

      {allowed && endpoint.active ? (
        <Card>
          <CardHeader>
            <CardTitle>Redeliver failed deliveries</CardTitle>
            <CardDescription>
              After an outage: sends every delivery since a time that did not arrive again (failed, or cancelled while
              the endpoint was off; at most 1,000 at once), each with its original <code className="font-mono">webhook-id</code>.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <RecoverFailed id={endpoint.id} />
          </CardContent>
        </Card>
      ) : null}

      <Card>
        <CardHeader>
          <CardTitle>{endpoint.signatureScheme === "v1a" ? "Signing key" : "Signing secret"}</CardTitle>
          <CardDescription>
            {endpoint.signatureScheme === "v1a" ? (
              <>
                Every request is signed with Herald&apos;s ed25519 key (Standard Webhooks <code className="font-mono">v1a</code> in{" "}
                <code className="font-mono">webhook-signature</code>): verify it with the public key below before trusting a request.
              </>
            ) : (
              <>
                Every request is signed with this secret (Standard Webhooks: <code className="font-mono">webhook-signature</code>,
                and <code className="font-mono">X-{env.webhookBrand}-Signature</code>). Verify it before trusting a request.
              </>
            )}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <SigningSecret
            id={endpoint.id}
            brand={env.webhookBrand}
            previousSecretExpiresAt={endpoint.previousSecretExpiresAt}
            signatureScheme={endpoint.signatureScheme}
            publicKey={endpoint.publicKey}
            previousSignatureScheme={endpoint.previousSignatureScheme}
            previousPublicKey={endpoint.previousPublicKey}
          />
        </CardContent>
      </Card>

      {allowed ? <EndpointForm events={EVENT_CHOICES} endpoint={endpoint} /> : null}

      <Card>
        <CardHeader>
          <CardTitle>Verify our signature</CardTitle>
          {endpoint.signatureScheme === "v1a" ? (
            <CardDescription>
              Verify the ed25519 signature of <code className="font-mono">webhook-id.webhook-timestamp.body</code> with
              the endpoint&apos;s public key, for each <code className="font-mono">v1a,</code> entry in{" "}
              <code className="font-mono">webhook-signature</code>, and reject requests older than five minutes. During a
              key rotation or a switch the header carries one signature per key (space-separated): accept a request
              when any of them verifies. No secret is needed: the public key cannot sign.
            </CardDescription>
          ) : (
          <CardDescription>
            Compute HMAC-SHA256 of <code className="font-mono">webhook-id.webhook-timestamp.body</code> with your secret
            and compare it, in constant time, with each <code className="font-mono">v1,</code> signature in the header.
            Reject requests older than five minutes. <code className="font-mono">X-{env.webhookBrand}-Signature</code>{" "}
            is the hex HMAC-SHA256 of the body alone. During a rotation both headers carry one signature per secret
            (space-separated in <code className="font-mono">webhook-signature</code>, comma-separated in{" "}
            <code className="font-mono">X-{env.webhookBrand}-Signature</code>): accept a request when any of them matches.
          </CardDescription>
          )}
        </CardHeader>
        <CardContent>
          <VerifySnippet brand={env.webhookBrand} scheme={endpoint.signatureScheme} />
        </CardContent>
      </Card>

      <Card className="border-destructive/40">
        <CardHeader>
          <CardTitle>Delete endpoint</CardTitle>
          <CardDescription>Stops all deliveries to this URL. Past deliveries stay readable in Logs.</CardDescription>
        </CardHeader>
        <CardContent>
          <DeleteEndpoint id={endpoint.id} url={endpoint.url} />
        </CardContent>
      </Card>
    </div>
  );
}

import type { Metadata } from "next";
import { RadioTower } from "lucide-react";
import Link from "next/link";
import { OperationalWebhookControls, OperationalWebhookDialog } from "@/components/admin/operational-webhooks";
import { PageHeader } from "@/components/portal/page-header";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { HealthBadge, HealthDetail } from "@/components/webhooks/endpoint-health-state";
import { VerifySnippet } from "@/components/webhooks/verify-snippet";
import { requireAdmin } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { OPERATIONAL_EVENT_CHOICES } from "@/lib/events/operational";
import { listOperationalEndpoints } from "@/lib/operational/endpoints";
import { findPlatformOrganizationId } from "@/lib/operational/platform";

export const metadata: Metadata = { title: "Operational webhooks" };

export default async function OperationalWebhooksPage() {
  await requireAdmin();
  const [endpoints, platformId] = await Promise.all([listOperationalEndpoints(), findPlatformOrganizationId()]);
  const addButton = <OperationalWebhookDialog events={OPERATIONAL_EVENT_CHOICES} />;
  return (
    <div className="space-y-6">
      <PageHeader
        title="Operational webhooks"
        description="Your platform's own endpoints: Herald tells them when partners' endpoints are created, changed, start failing, recover or are disabled, and when a delivery uses all its retries. Visible to platform admins only."
        actions={endpoints.length > 0 ? addButton : undefined}
      />
      {endpoints.length === 0 ? (
        <EmptyState
          icon={RadioTower}
          title="No operational webhooks yet"
          description="Add an HTTPS endpoint of your platform and choose the events it gets. Herald delivers them like partners' webhooks: signed, retried with backoff, every attempt recorded."
          action={addButton}
        />
      ) : (
        <ul className="space-y-4" aria-label="Operational webhooks">
          {endpoints.map((e) => (
            <li key={e.id} id={e.id} className="scroll-mt-6">
              <Card data-testid="operational-webhook">
                <CardHeader>
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div className="min-w-0">
                      <CardTitle className="break-all font-mono text-base">{e.url}</CardTitle>
                      {e.description ? <CardDescription>{e.description}</CardDescription> : null}
                    </div>
                    <OperationalWebhookDialog events={OPERATIONAL_EVENT_CHOICES} endpoint={e} />
                  </div>
                </CardHeader>
                <CardContent className="space-y-4">
                  <div className="flex flex-wrap items-center gap-2 text-sm">
                    <HealthBadge health={e.active ? (e.health === "disabled" ? "healthy" : e.health) : "disabled"} />
                    <HealthDetail
                      health={e.active ? (e.health === "disabled" ? "healthy" : e.health) : "disabled"}
                      failingSince={e.failingSince}
                      lastFailure={e.lastFailure}
                      disabledCause={null}
                      disabledReason={e.disabledReason}
                      timeoutSeconds={e.timeoutSeconds}
                    />
                  </div>
                  <dl className="grid gap-4 text-sm sm:grid-cols-3">
                    <div>
                      <dt className="text-muted-foreground">Events</dt>
                      <dd className="mt-1 flex flex-wrap gap-1">
                        {e.eventTypes === null ? (
                          <span>All operational events</span>
                        ) : (
                          e.eventTypes.map((t) => (
                            <Badge key={t} variant="outline" className="font-mono">
                              {t}
                            </Badge>
                          ))
                        )}
                      </dd>
                    </div>
                    <div>
                      <dt className="text-muted-foreground">Last delivery</dt>
                      <dd className="mt-1">
                        {e.lastDeliveryAt ? (
                          <>
                            <span className="capitalize">{e.lastStatus}</span>
                            {e.lastStatusCode !== null ? <span className="font-mono"> {e.lastStatusCode}</span> : null} ·{" "}
                            <Time value={e.lastDeliveryAt} relative />
                          </>
                        ) : (
                          <span className="text-muted-foreground">None yet</span>
                        )}
                      </dd>
                    </div>
                    <div>
                      <dt className="text-muted-foreground">Succeeded (24 h)</dt>
                      <dd className="mt-1 tabular-nums">
                        {e.finished24h > 0 ? `${e.succeeded24h} of ${e.finished24h}` : "—"}
                        {platformId ? (
                          <>
                            {" · "}
                            <Link href={`/admin/logs?org=${platformId}&endpoint=${e.id}`} className="text-primary underline-offset-4 hover:underline">
                              Deliveries
                            </Link>
                          </>
                        ) : null}
                      </dd>
                    </div>
                  </dl>
                  <OperationalWebhookControls endpoint={e} />
                </CardContent>
              </Card>
            </li>
          ))}
        </ul>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Verify what Herald sends</CardTitle>
          <CardDescription>
            Operational events travel exactly like partners&apos; events: a POST of{" "}
            <code className="font-mono">{"{ id, type, createdAt, data }"}</code> signed with the webhook&apos;s secret
            (Standard Webhooks <code className="font-mono">webhook-id</code>, <code className="font-mono">webhook-timestamp</code>,{" "}
            <code className="font-mono">webhook-signature</code>, and <code className="font-mono">X-{env.webhookBrand}-Signature</code>).
            Every event names the organization (its id and your <code className="font-mono">externalId</code>), the endpoint, who
            or what caused it and why. The payloads are in the <Link href="/events#operational" className="text-primary underline-offset-4 hover:underline">Event catalog</Link>.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <VerifySnippet brand={env.webhookBrand} />
        </CardContent>
      </Card>
    </div>
  );
}

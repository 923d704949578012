import type { Metadata } from "next";
import Link from "next/link";
import { CodeBlock, SchemaFields } from "@/components/api/schema-fields";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { jsonSchemaOf } from "@/lib/api/openapi";
import { requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { EVENT_CATALOG, type EventTypeDefinition } from "@/lib/events/catalog";
import { OPERATIONAL_CATEGORY, OPERATIONAL_EVENT_CATALOG, type OperationalEventDefinition } from "@/lib/events/operational";

export const metadata: Metadata = { title: "Event catalog" };

const CATEGORIES = ["Verification sessions", "Credentials"] as const;

const anchor = (type: string) => type.replace(/[^a-z0-9]+/gi, "-");

/** One event type: its description, its data's fields (from the zod schema) and an example envelope. */
function EventCard({ event: e }: { event: EventTypeDefinition | OperationalEventDefinition }) {
  const envelope = { id: "evt_3k9f2m1q8x7v6b5n4c3z2a1s", type: e.type, createdAt: "2026-11-22T10:15:00.000Z", data: e.example };
  return (
    <Card id={anchor(e.type)} className="scroll-mt-6">
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2 font-mono text-base break-all">
          {e.type}
          <Badge variant="secondary" className="font-sans">
            {e.category}
          </Badge>
        </CardTitle>
        <CardDescription>{e.description}</CardDescription>
      </CardHeader>
      {/* grid-cols-1 (minmax(0, 1fr)): a long example line scrolls inside its block instead of widening the page. */}
      <CardContent className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <div className="min-w-0 space-y-2">
          <h3 className="text-sm font-medium">Fields of data</h3>
          <SchemaFields schema={jsonSchemaOf(e.schema)} caption={`Fields of ${e.type}`} />
        </div>
        <div className="min-w-0 space-y-2">
          <h3 className="text-sm font-medium">Example</h3>
          <CodeBlock code={JSON.stringify(envelope, null, 2)} label={`Example ${e.type} payload`} />
        </div>
      </CardContent>
    </Card>
  );
}

export default async function EventCatalogPage() {
  await requireSession();
  return (
    <div className="space-y-8">
      <PageHeader
        title="Event catalog"
        description="Every event Herald delivers. Each arrives as a signed POST with the envelope { id, type, createdAt, data }; the id is also the webhook-id header and stays the same on every retry, so you can de-duplicate on it."
      />
      <Card data-testid="test-events-doc">
        <CardHeader>
          <CardTitle>Test events</CardTitle>
          <CardDescription>
            Send test event (on an endpoint&apos;s page) delivers the type&apos;s example below, signed and retried like a real
            event, with a new <code className="font-mono">evt_</code> id. It is marked on the wire so that your receiver can
            tell it apart: the header <code className="font-mono">X-{env.webhookBrand}-Test: true</code> and a top-level{" "}
            <code className="font-mono">&quot;test&quot;: true</code> in the envelope. Both are absent on real events.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <CodeBlock
            code={JSON.stringify({ id: "evt_3k9f2m1q8x7v6b5n4c3z2a1s", type: "session.completed", createdAt: "2026-11-22T10:15:00.000Z", test: true, data: { "…": "…" } }, null, 2)}
            label="Example test event envelope"
          />
        </CardContent>
      </Card>
      <nav aria-label="Event types" className="flex flex-wrap gap-2">
        {EVENT_CATALOG.map((e) => (
          <Link key={e.type} href={`#${anchor(e.type)}`} className="rounded-md border bg-card px-2.5 py-1 font-mono text-xs hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
            {e.type}
          </Link>
        ))}
      </nav>
      {CATEGORIES.map((category) => (
        <section key={category} aria-labelledby={anchor(category)} className="space-y-4">
          <h2 id={anchor(category)} className="text-lg font-semibold">
            {category}
          </h2>
          {EVENT_CATALOG.filter((e) => e.category === category).map((e) => (
            <EventCard key={e.type} event={e} />
          ))}
        </section>
      ))}
      <section aria-labelledby="operational" className="space-y-4" data-testid="operational-events">
        <div className="space-y-1">
          <h2 id="operational" className="scroll-mt-6 text-lg font-semibold">
            {OPERATIONAL_CATEGORY}
          </h2>
          <p className="text-sm text-muted-foreground">
            Not sent to partners: Herald sends these about partners&apos; endpoints to the platform&apos;s own operational
            webhooks (Admin -&gt; Operational webhooks), in the same envelope and signed the same way. Each names the
            organization (its id and the platform&apos;s <code className="font-mono">externalId</code>), the endpoint, the
            actor and the reason.
          </p>
        </div>
        {OPERATIONAL_EVENT_CATALOG.map((e) => (
          <EventCard key={e.type} event={e} />
        ))}
      </section>
    </div>
  );
}

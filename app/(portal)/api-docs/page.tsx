import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { CodeBlock, SchemaFields } from "@/components/api/schema-fields";
import { PageHeader } from "@/components/portal/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { API_OPERATIONS, jsonSchemaOf, type ApiOperation } from "@/lib/api/openapi";
import { requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { PLATFORM_OPERATIONS, type PlatformOperation } from "@/lib/platform/openapi";

export const metadata: Metadata = { title: "API reference" };

const anchor = (op: ApiOperation | PlatformOperation) => `${op.method}-${op.path}`.toLowerCase().replace(/[^a-z0-9]+/g, "-");

function curlFor(op: ApiOperation, base: string): string {
  const id = op.path.includes("sessions") ? "ses_..." : op.path.includes("bulk") ? "BLK-..." : op.path.includes("endpoints") ? "ep_..." : "CRD-ZBUYQMTA";
  const path = op.path.replace("{id}", id);
  const lines = [`curl${op.method === "GET" ? "" : ` -X ${op.method}`} "${base}${path}${op.method === "GET" && op.query ? "?limit=100" : ""}"`];
  if (!op.public) lines.push(`  -H "Authorization: Bearer $HERALD_API_KEY"`);
  if (op.method !== "GET") {
    lines.push(`  -H "Content-Type: application/json"`);
    lines.push(`  -d '${JSON.stringify(op.example ?? {}, null, 2)}'`);
  }
  return lines.join(" \\\n");
}

function platformCurlFor(op: PlatformOperation, base: string): string {
  const path = op.path.replace("{org}", "ext:crm-4711");
  const lines = [`curl${op.method === "GET" ? "" : ` -X ${op.method}`} "${base}${path}"`, `  -H "Authorization: Bearer $HERALD_PLATFORM_KEY"`];
  if (op.method !== "GET") {
    lines.push(`  -H "Content-Type: application/json"`);
    lines.push(`  -d '${JSON.stringify(op.example ?? {}, null, 2)}'`);
  }
  return lines.join(" \\\n");
}

/** One operation: its parameters, body, responses and a curl example (the partner and the platform API alike). */
function OperationCard({ op, curl }: { op: ApiOperation | PlatformOperation; curl: string }) {
  return (
    <Card id={anchor(op)} className="scroll-mt-6">
      <CardHeader>
        <CardTitle className="flex flex-wrap items-center gap-2 text-base">
          <Badge variant={op.method === "GET" ? "secondary" : "default"}>{op.method}</Badge>
          <code className="font-mono">{op.path}</code>
          <span className="font-normal text-muted-foreground">— {op.summary}</span>
        </CardTitle>
        <CardDescription>{op.description}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4 lg:grid-cols-2">
        <div className="min-w-0 space-y-4">
          {op.query ? (
            <div className="space-y-2">
              <h3 className="text-sm font-medium">Query parameters</h3>
              <SchemaFields schema={jsonSchemaOf(op.query, "input")} caption={`Query parameters of ${op.method} ${op.path}`} />
            </div>
          ) : null}
          {op.body ? (
            <div className="space-y-2">
              <h3 className="text-sm font-medium">Request body</h3>
              <SchemaFields schema={jsonSchemaOf(op.body, "input")} caption={`Request body of ${op.method} ${op.path}`} />
            </div>
          ) : null}
          <div className="space-y-2">
            <h3 className="text-sm font-medium">Responses</h3>
            <ul className="space-y-1 text-sm">
              {Object.entries(op.responses).map(([status, r]) => (
                <li key={status} className="flex gap-2">
                  <Badge variant={Number(status) < 300 ? "success" : "outline"} className="w-11 justify-center">
                    {status}
                  </Badge>
                  <span className="text-muted-foreground">{r.description}</span>
                </li>
              ))}
            </ul>
          </div>
        </div>
        <div className="min-w-0 space-y-2">
          <h3 className="text-sm font-medium">Example</h3>
          <CodeBlock code={curl} label={`curl for ${op.method} ${op.path}`} />
        </div>
      </CardContent>
    </Card>
  );
}

export default async function ApiDocsPage() {
  const ctx = await requireSession();
  const host = (await headers()).get("host");
  const base = host ? `${env.isProduction ? "https" : "http"}://${host}` : "https://<your-herald>";
  const tags = ["Events", "Sessions", "Credentials", "Webhooks"] as const;
  return (
    <div className="space-y-8">
      <PageHeader
        title="API reference"
        description={`Every call takes an API key as Authorization: Bearer hk_live_... (create one under API keys), sends and answers JSON, and fails with { error: { code, message, issues? } }. Each key may make ${env.apiRateLimitPerSecond || "unlimited"} requests per second; over that, 429 with Retry-After.`}
        actions={
          <>
            <Button asChild variant="outline">
              <Link href="/api-keys">API keys</Link>
            </Button>
            <Button asChild>
              <a href="/api/v1/openapi.json" download="herald-openapi.json">
                OpenAPI document
              </a>
            </Button>
          </>
        }
      />
      <nav aria-label="Operations" className="grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
        {API_OPERATIONS.map((op) => (
          <Link key={anchor(op)} href={`#${anchor(op)}`} className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
            <Badge variant={op.method === "GET" ? "secondary" : "default"} className="w-12 justify-center">
              {op.method}
            </Badge>
            <span className="truncate font-mono text-xs">{op.path.replace("/api/v1", "")}</span>
          </Link>
        ))}
      </nav>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-4">
          <h2 id={`tag-${tag}`} className="text-lg font-semibold">
            {tag}
          </h2>
          {API_OPERATIONS.filter((op) => op.tag === tag).map((op) => (
            <OperationCard key={anchor(op)} op={op} curl={curlFor(op, base)} />
          ))}
        </section>
      ))}
      {ctx.user.isPlatformAdmin ? (
        <section id="platform" aria-labelledby="platform-api" className="scroll-mt-6 space-y-4 border-t pt-8">
          <div className="flex flex-wrap items-start justify-between gap-4">
            <div className="space-y-1">
              <h2 id="platform-api" className="text-lg font-semibold">
                Platform API
              </h2>
              <p className="max-w-3xl text-sm text-muted-foreground">
                For your platform&apos;s backend, with a platform key (Authorization: Bearer hk_platform_..., from Admin -&gt; Platform API): it acts on
                every organization, named in the path as Herald&apos;s id or ext:&lt;externalId&gt;. The same JSON, errors, limits and rate limit as
                above. Only platform admins see this section.
              </p>
            </div>
            <div className="flex flex-wrap gap-2">
              <Button asChild variant="outline">
                <Link href="/admin/platform-api">Platform keys</Link>
              </Button>
              <Button asChild>
                <a href="/api/platform/v1/openapi.json" download="herald-platform-openapi.json">
                  Platform OpenAPI document
                </a>
              </Button>
            </div>
          </div>
          <nav aria-label="Platform API operations" className="grid gap-1 sm:grid-cols-2 lg:grid-cols-3">
            {PLATFORM_OPERATIONS.map((op) => (
              <Link key={anchor(op)} href={`#${anchor(op)}`} className="flex items-center gap-2 rounded-md px-2 py-1 text-sm hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none">
                <Badge variant={op.method === "GET" ? "secondary" : "default"} className="w-12 justify-center">
                  {op.method}
                </Badge>
                <span className="truncate font-mono text-xs">{op.path.replace("/api/platform/v1", "")}</span>
              </Link>
            ))}
          </nav>
          {PLATFORM_OPERATIONS.map((op) => (
            <OperationCard key={anchor(op)} op={op} curl={platformCurlFor(op, base)} />
          ))}
        </section>
      ) : null}
    </div>
  );
}

import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { ApiKeysManager } from "@/components/api-keys/api-keys-manager";
import { PageHeader } from "@/components/portal/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { countRevokedApiKeys, listApiKeys } from "@/lib/api-keys";
import { CopyButton } from "@/components/ui/copy-button";
import { UpgradeNotice } from "@/components/webhooks/upgrade-notice";
import { requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { PLAN_INFO, planIncludesApi } from "@/lib/plans";

export const metadata: Metadata = { title: "API keys" };

/** Where this portal answers: APP_URL, else the origin the browser used for this page. */
async function portalOrigin(): Promise<string> {
  if (env.email.appUrlConfigured) return env.email.appUrl;
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? (/^(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(host) ? "http" : "https");
  return `${proto}://${host}`;
}

export default async function ApiKeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { org } = await requireSession();
  const showRevoked = (await searchParams).revoked === "1";
  const [keys, revokedCount, origin] = await Promise.all([
    listApiKeys({ orgId: org.id, includeRevoked: showRevoked }),
    countRevokedApiKeys({ orgId: org.id }),
    portalOrigin(),
  ]);
  const curl = `curl -X POST ${origin}/api/v1/events \\
  -H "Authorization: Bearer $HERALD_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"type":"credential.revoked","idempotencyKey":"revoke-CRD-ZBUYQMTA",
       "data":{"credentialId":"CRD-ZBUYQMTA","credentialUuid":"5f0c7c1e-2f4b-4a7e-9a51-0d6a3c7e9b21",
               "badgeId":"BDG-CLOUD-ARCH","recipientEmail":"jane.doe@example.com",
               "issuanceDate":"2026-11-22T09:00:00Z","revokedAt":"2026-11-23T08:00:00Z"}}'`;
  return (
    <div className="space-y-6">
      <PageHeader title="API keys" description="Keys that let your systems publish events through Herald's API. A key is shown once and stored only as a hash." />
      {planIncludesApi(org.plan) ? (
        <ApiKeysManager keys={keys} showRevoked={showRevoked} revokedCount={revokedCount} />
      ) : (
        <>
          <UpgradeNotice
            planName={PLAN_INFO[env.apiRequiredPlan].name}
            currentPlan={org.plan}
            feature="The public API and API keys are"
            pitch="With a key your systems publish events, drive verification sessions and credentials, and poll for what happened. Upgrade to create keys."
            testId="api-upgrade"
          />
          {keys.length > 0 || revokedCount > 0 ? <ApiKeysManager keys={keys} canCreate={false} showRevoked={showRevoked} revokedCount={revokedCount} /> : null}
        </>
      )}
      <Card>
        <CardHeader>
          <CardTitle>Publish an event</CardTitle>
          <CardDescription>
            Every active endpoint subscribed to the type receives it, signed and retried. Sessions, credentials and polling are in the{" "}
            <Link href="/api-docs" className="font-medium text-primary underline-offset-4 hover:underline">
              API reference
            </Link>
            .
          </CardDescription>
        </CardHeader>
        <CardContent>
          <div className="overflow-hidden rounded-md border bg-slate-950">
            {/* The copy button has a bar of its own: over the command it would hide text on a phone. */}
            <div className="flex items-center justify-between border-b border-slate-800 px-4 py-1 text-xs text-slate-400">
              <span>bash</span>
              <CopyButton value={curl} label="Copy curl command" className="text-slate-300 hover:bg-slate-800 hover:text-white" />
            </div>
            <pre className="overflow-auto p-4 text-[13px] text-slate-100" data-testid="curl-example">
              {curl}
            </pre>
          </div>
          <p className="mt-2 text-xs text-muted-foreground">
            Set <code className="font-mono">HERALD_API_KEY</code> to a key from above first (
            <code className="font-mono">export HERALD_API_KEY=hk_live_…</code>), so the key stays out of your shell history.
          </p>
        </CardContent>
      </Card>
    </div>
  );
}

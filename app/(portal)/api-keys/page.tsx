import type { Metadata } from "next";
import Link from "next/link";
import { ApiKeysManager } from "@/components/api-keys/api-keys-manager";
import { PageHeader } from "@/components/portal/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { listApiKeys } from "@/lib/api-keys";
import { UpgradeNotice } from "@/components/webhooks/upgrade-notice";
import { requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { PLAN_INFO, planIncludesApi } from "@/lib/plans";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const { org } = await requireSession();
  const keys = await listApiKeys({ orgId: org.id });
  return (
    <div className="space-y-6">
      <PageHeader title="API keys" description="Keys that let your systems publish events through Herald's API. A key is shown once and stored only as a hash." />
      {planIncludesApi(org.plan) ? (
        <ApiKeysManager keys={keys} />
      ) : (
        <>
          <UpgradeNotice
            planName={PLAN_INFO[env.apiRequiredPlan].name}
            currentPlan={org.plan}
            feature="The public API and API keys are"
            pitch="With a key your systems publish events, drive verification sessions and credentials, and poll for what happened. Upgrade to create keys."
            testId="api-upgrade"
          />
          {keys.length > 0 ? <ApiKeysManager keys={keys} canCreate={false} /> : null}
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
          <pre className="overflow-auto rounded-md border bg-slate-950 p-4 text-[13px] text-slate-100">{`curl -X POST https://<your-herald>/api/v1/events \\
  -H "Authorization: Bearer hk_live_..." \\
  -H "Content-Type: application/json" \\
  -d '{"type":"credential.revoked","idempotencyKey":"revoke-CRD-ZBUYQMTA",
       "data":{"credentialId":"CRD-ZBUYQMTA","credentialUuid":"5f0c7c1e-2f4b-4a7e-9a51-0d6a3c7e9b21",
               "badgeId":"BDG-CLOUD-ARCH","recipientEmail":"jane.doe@example.com",
               "issuanceDate":"2026-11-22T09:00:00Z","revokedAt":"2026-11-23T08:00:00Z"}}'`}</pre>
        </CardContent>
      </Card>
    </div>
  );
}

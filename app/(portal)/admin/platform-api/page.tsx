import type { Metadata } from "next";
import Link from "next/link";
import { PlatformKeysManager } from "@/components/admin/platform-keys-manager";
import { PageHeader } from "@/components/portal/page-header";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { listPlatformKeys } from "@/lib/platform/keys";

export const metadata: Metadata = { title: "Platform API" };

export default async function PlatformApiPage() {
  const ctx = await requireAdmin();
  const keys = await listPlatformKeys(ctx);
  return (
    <div className="space-y-6">
      <PageHeader
        title="Platform API"
        description="Keys for your platform's backend: they create partners' organizations, publish events for any of them and read their endpoints and deliveries through /api/platform/v1. A key is shown once and stored only as a hash. Visible to platform admins only."
      />
      <PlatformKeysManager keys={keys} />
      <Card>
        <CardHeader>
          <CardTitle>Create an organization and publish for it</CardTitle>
          <CardDescription>
            Every call is in the audit log as the key. All routes are in the{" "}
            <Link href="/api-docs#platform" className="font-medium text-primary underline-offset-4 hover:underline">
              platform API reference
            </Link>
            .
          </CardDescription>
        </CardHeader>
        <CardContent>
          <pre className="overflow-auto rounded-md border bg-slate-950 p-4 text-[13px] text-slate-100">{`curl -X POST https://<your-herald>/api/platform/v1/organizations \\
  -H "Authorization: Bearer hk_platform_..." \\
  -H "Content-Type: application/json" \\
  -d '{"name":"Initech","externalId":"crm-4711","idempotencyKey":"signup-4711"}'

curl -X POST https://<your-herald>/api/platform/v1/organizations/ext:crm-4711/events \\
  -H "Authorization: Bearer hk_platform_..." \\
  -H "Content-Type: application/json" \\
  -d '{"type":"credential.issued","idempotencyKey":"issue-1","data":{...}}'`}</pre>
        </CardContent>
      </Card>
    </div>
  );
}

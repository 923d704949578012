import { Webhook } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/portal/coming-soon";
import { PageHeader } from "@/components/portal/page-header";

export const metadata: Metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Endpoints on your servers that Herald notifies, in real time, when a verification session ends or a credential changes."
      />
      <ComingSoon icon={Webhook} title="Webhook endpoints are on their way">
        <p>
          Here you will create HTTPS endpoints, choose the events each one receives, add custom auth headers, and
          send test events. Every delivery will be signed and retried with backoff.
        </p>
        <p>This version of Herald does not create endpoints or deliver events yet.</p>
      </ComingSoon>
    </>
  );
}

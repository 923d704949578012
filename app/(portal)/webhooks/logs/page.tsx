import { ScrollText } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/portal/coming-soon";
import { PageHeader } from "@/components/portal/page-header";

export const metadata: Metadata = { title: "Webhook logs" };

export default function WebhookLogsPage() {
  return (
    <>
      <PageHeader title="Logs" description="Every delivery attempt to your endpoints: status, timing, request and response." />
      <ComingSoon icon={ScrollText} title="Delivery logs are on their way">
        <p>
          Once endpoints receive events, each attempt will be listed here with its status code, error, duration,
          request and response, and you will be able to redeliver.
        </p>
      </ComingSoon>
    </>
  );
}

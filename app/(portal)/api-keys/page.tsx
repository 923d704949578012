import { KeyRound } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/portal/coming-soon";
import { PageHeader } from "@/components/portal/page-header";

export const metadata: Metadata = { title: "API keys" };

export default function ApiKeysPage() {
  return (
    <>
      <PageHeader title="API keys" description="Keys that let your systems publish events and read their status through Herald's API." />
      <ComingSoon icon={KeyRound} title="API keys are on their way">
        <p>You will create, name and revoke keys here. A key is shown once and stored only as a hash.</p>
      </ComingSoon>
    </>
  );
}

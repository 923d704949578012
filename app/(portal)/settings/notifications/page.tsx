import type { Metadata } from "next";
import { PageHeader } from "@/components/portal/page-header";
import { NotificationPreferences } from "@/components/settings/notification-preferences";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getAlertPreferences } from "@/db/queries/alerts";
import { ALERT_KINDS, ALERT_KIND_INFO } from "@/lib/alerts/kinds";
import { requireSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const { user, org } = await requireSession();
  const preferences = await getAlertPreferences({ userId: user.id });
  return (
    <>
      <PageHeader title="Notifications" description="Which endpoint alerts Herald emails you." />
      <Card>
        <CardHeader>
          <CardTitle>Endpoint alerts</CardTitle>
          <CardDescription>
            Alerts go to the owners of an organization (and to the addresses in each endpoint&apos;s Alert emails), at{" "}
            <span className="font-medium text-foreground">{user.email}</span>.{" "}
            {user.role === "owner"
              ? `You are an owner of ${org.name}, so you get them.`
              : `You are a member of ${org.name}: alerts go to its owners, so these choices apply where you are an owner.`}{" "}
            Your choice holds in every organization you belong to; each alert email also has a one-click unsubscribe.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <NotificationPreferences
            kinds={ALERT_KINDS.map((kind) => ({ kind, label: ALERT_KIND_INFO[kind].label, description: ALERT_KIND_INFO[kind].description }))}
            initial={preferences}
          />
        </CardContent>
      </Card>
    </>
  );
}

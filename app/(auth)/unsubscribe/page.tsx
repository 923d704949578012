import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AuthShell } from "@/components/people/auth-shell";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { describeUnsubscribe } from "@/lib/alerts/unsubscribe";

export const metadata: Metadata = { title: "Unsubscribe", referrer: "no-referrer" };

const INVALID = "This unsubscribe link is not valid. Use the link from the alert email as it is, or choose your alerts under Settings -> Notifications after signing in.";

/**
 * The unsubscribe link in an alert's footer. Public: the signed token says who and which alert kind. It asks before
 * unsubscribing (mail scanners open links; only a deliberate POST unsubscribes), then says it is done.
 */
export default async function UnsubscribePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const query = await searchParams;
  const token = typeof query.token === "string" ? query.token : "";
  const view = await describeUnsubscribe(token);
  if (!view || query.state === "invalid") {
    return (
      <AuthShell title="Link not valid">
        <Card className="shadow-md">
          <CardContent className="space-y-4 pt-6">
            <p className="text-sm" data-testid="unsubscribe-state">
              {INVALID}
            </p>
            <Button asChild variant="outline" className="w-full">
              <Link href="/login">Go to sign-in</Link>
            </Button>
          </CardContent>
        </Card>
      </AuthShell>
    );
  }
  if (query.state === "done") {
    return (
      <AuthShell title="Unsubscribed">
        <Card className="shadow-md">
          <CardContent className="space-y-4 pt-6">
            <p className="text-sm" data-testid="unsubscribe-state">
              {view.address} will no longer get &quot;{view.kindLabel}&quot; alerts.{" "}
              {view.person
                ? "Change this any time under Settings -> Notifications."
                : "Ask an owner of the organization to remove the address from the endpoint's Alert emails to stop the others too."}
            </p>
            {view.person ? (
              <Button asChild variant="outline" className="w-full">
                <Link href="/settings/notifications">Open Settings -&gt; Notifications</Link>
              </Button>
            ) : null}
          </CardContent>
        </Card>
      </AuthShell>
    );
  }
  return (
    <AuthShell title="Unsubscribe from alerts" description={view.address}>
      <Card className="shadow-md">
        <CardContent className="space-y-4 pt-6">
          <p className="text-sm">
            Stop emailing <span className="font-medium">{view.address}</span> when an endpoint sends a &quot;{view.kindLabel}&quot;
            alert? The other alerts keep coming.
          </p>
          <form method="post" action={`/api/unsubscribe?token=${encodeURIComponent(token)}`}>
            <input type="hidden" name="from" value="page" />
            <Button type="submit" className="w-full">
              Unsubscribe
            </Button>
          </form>
        </CardContent>
      </Card>
    </AuthShell>
  );
}

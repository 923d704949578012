import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/portal/page-header";
import { NameForm } from "@/components/settings/name-form";
import { TimeZoneForm } from "@/components/settings/time-zone-form";
import { LeaveOrganizationButton } from "@/components/people/member-controls";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { listMembers } from "@/db/queries/organizations";
import { requireSession } from "@/lib/auth/session";
import { PLAN_INFO } from "@/lib/plans";
import { updateOrganizationAction, updateProfileAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const { user, org } = await requireSession();
  const members = await listMembers({ orgId: org.id });
  return (
    <>
      <PageHeader title="Settings" description="Your profile, your password and sessions, and your organization." />
      <div className="space-y-6">
        <Card>
          <CardHeader>
            <CardTitle>Your profile</CardTitle>
            <CardDescription>
              Signed in as <span className="font-medium text-foreground">{user.email}</span>.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <NameForm label="Your name" initialName={user.name} action={updateProfileAction} successMessage="Your name was saved." />
            <div className="mt-6">
              <TimeZoneForm />
            </div>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Organization</CardTitle>
            <CardDescription>How Herald identifies your organization.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-6">
            <NameForm
              label="Organization name"
              initialName={org.name}
              action={updateOrganizationAction}
              successMessage="The organization was renamed."
              disabledReason={user.role === "owner" ? undefined : "Only an owner can rename the organization."}
            />
            <dl className="grid gap-4 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-muted-foreground">Plan</dt>
                <dd className="mt-1">
                  <Badge variant="secondary">{PLAN_INFO[org.plan].name}</Badge>
                </dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Slug</dt>
                <dd className="mt-1 font-mono">{org.slug}</dd>
              </div>
              <div>
                <dt className="text-muted-foreground">Organization ID</dt>
                <dd className="mt-1 flex items-center gap-1 font-mono">
                  {org.id} <CopyButton value={org.id} label="Copy organization ID" />
                </dd>
              </div>
            </dl>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>People</CardTitle>
            <CardDescription>
              {members.length} {members.length === 1 ? "person" : "people"} can sign in to {org.name}&apos;s portal. You are{" "}
              {user.role === "owner" ? "an owner" : "a member"}.
            </CardDescription>
          </CardHeader>
          <CardContent className="flex flex-wrap gap-2">
            <Button asChild variant="outline">
              <Link href="/settings/members">{user.role === "owner" ? "Manage members and invitations" : "See the members"}</Link>
            </Button>
            <LeaveOrganizationButton organizationName={org.name} />
          </CardContent>
        </Card>
      </div>
    </>
  );
}

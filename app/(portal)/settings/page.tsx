import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/portal/page-header";
import { NameForm } from "@/components/settings/name-form";
import { TimeZoneForm } from "@/components/settings/time-zone-form";
import { LeaveOrganizationButton } from "@/components/people/member-controls";
import { ChangeEmailForm, ChangePasswordForm, EndOtherSessionsButton } from "@/components/people/profile-forms";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { listLiveSessions } from "@/db/queries/auth-sessions";
import { listMembers } from "@/db/queries/organizations";
import { getAccount } from "@/db/queries/users";
import { requireSession } from "@/lib/auth/session";
import { PLAN_INFO } from "@/lib/plans";
import { updateOrganizationAction, updateProfileAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

/** "Chrome on macOS": enough to recognise one's own browsers in the session list. */
function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\/|Chromium\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : userAgent.split(/[\s/]/)[0] || "Browser";
  const os = /Windows/.test(userAgent) ? "Windows" : /Mac OS X/.test(userAgent) ? "macOS" : /Android/.test(userAgent) ? "Android" : /iPhone|iPad/.test(userAgent) ? "iOS" : /Linux/.test(userAgent) ? "Linux" : undefined;
  return os ? `${browser} on ${os}` : browser;
}

function NoPasswordNote() {
  return (
    <p className="text-sm text-muted-foreground">
      You sign in with GitHub or single sign-on, so your account has no password. To set one, use{" "}
      <Link href="/reset-password" className="underline underline-offset-4">
        Forgot password?
      </Link>{" "}
      with your email.
    </p>
  );
}

export default async function SettingsPage() {
  const { user, org, sessionId } = await requireSession();
  const [members, account, sessions] = await Promise.all([
    listMembers({ orgId: org.id }),
    getAccount({ userId: user.id }),
    listLiveSessions({ userId: user.id, currentSessionId: sessionId }),
  ]);
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
            <CardTitle>Email</CardTitle>
            <CardDescription>
              You sign in with <span className="font-medium text-foreground">{user.email}</span>. A new address is used once you open the link we
              send to it.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {account?.hasPassword ? <ChangeEmailForm /> : <NoPasswordNote />}
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Password</CardTitle>
            <CardDescription>Changing it signs you out of every other browser; this one stays signed in.</CardDescription>
          </CardHeader>
          <CardContent>{account?.hasPassword ? <ChangePasswordForm /> : <NoPasswordNote />}</CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Sessions</CardTitle>
            <CardDescription>The browsers signed in to your account. Signing out ends a session on the server too.</CardDescription>
          </CardHeader>
          <CardContent className="space-y-4">
            <ul className="divide-y rounded-md border" data-testid="sessions">
              {sessions.map((s) => (
                <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm" data-testid="session-row">
                  <div className="min-w-0">
                    <p className="truncate font-medium">
                      {describeUserAgent(s.userAgent)} {s.current ? <Badge variant="secondary">This browser</Badge> : null}
                    </p>
                    <p className="text-xs text-muted-foreground">
                      {s.ip ? `${s.ip} · ` : ""}signed in <Time value={s.createdAt} relative />, last active <Time value={s.lastSeenAt} relative />
                    </p>
                  </div>
                </li>
              ))}
            </ul>
            {sessions.length > 1 ? <EndOtherSessionsButton others={sessions.filter((s) => !s.current).length} /> : null}
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

import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { AuthShell } from "@/components/people/auth-shell";
import { AcceptInvitationButton, NewAccountForm } from "@/components/people/invitation-forms";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { readSession } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { INVITATION_MESSAGES, inspectInvitation } from "@/lib/people/invitations";
import { signOutForInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

function Refusal({ title, message, children }: { title: string; message: string; children?: React.ReactNode }) {
  return (
    <AuthShell title={title}>
      <Card className="shadow-md">
        <CardContent className="space-y-4 pt-6">
          <p className="text-sm" data-testid="invitation-state">
            {message}
          </p>
          {children ?? (
            <Button asChild variant="outline" className="w-full">
              <Link href="/login">Go to sign-in</Link>
            </Button>
          )}
        </CardContent>
      </Card>
    </AuthShell>
  );
}

/**
 * An invitation link. Public: the token is what authorizes it. Says exactly what state the link is in, and what to
 * do: join (signed in as the invited address), create an account (no account yet), sign in first (an account
 * exists), or sign out (signed in as someone else).
 */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  const [invitation, session] = await Promise.all([inspectInvitation(token), readSession()]);
  if (!invitation) return <Refusal title="Invitation not found" message={INVITATION_MESSAGES.invalid} />;
  const org = invitation.organizationName;

  if (invitation.state === "used") {
    if (session && invitation.acceptedBy === session.user.id) {
      return (
        <Refusal title={`You already joined ${org}`} message={`This invitation was used by you. Switch to ${org} in the sidebar whenever you need it.`}>
          <Button asChild className="w-full">
            <Link href="/webhooks">Open Herald</Link>
          </Button>
        </Refusal>
      );
    }
    return <Refusal title="Invitation already used" message={INVITATION_MESSAGES.used} />;
  }
  if (invitation.state === "revoked") return <Refusal title="Invitation withdrawn" message={INVITATION_MESSAGES.revoked.replace("the organization", org)} />;
  if (invitation.state === "organization_deactivated") {
    return <Refusal title="Organization not active" message={INVITATION_MESSAGES.organization_deactivated.replace("This organization", org)} />;
  }
  if (invitation.state === "expired") {
    const who = invitation.invitedByName ? `${invitation.invitedByName} or another owner of ${org}` : `an owner of ${org} or the platform's administrators`;
    return (
      <Refusal
        title="Invitation expired"
        message={`This invitation to ${org} expired on ${formatDateTime(invitation.expiresAt)}. Invitations work for 7 days: ask ${who} to send a new one.`}
      />
    );
  }

  const role = invitation.role === "owner" ? "an owner" : "a member";
  const description = (
    <>
      {invitation.invitedByName ? `${invitation.invitedByName} invited you` : "You are invited"} to join <strong>{org}</strong> as {role}.
    </>
  );

  if (session) {
    if (session.user.email.toLowerCase() !== invitation.email) {
      return (
        <Refusal
          title="This invitation is for someone else"
          message={`This invitation is for ${invitation.email}, and you are signed in as ${session.user.email}. Sign out and open the link again to accept it as ${invitation.email}, or ask an owner of ${org} to invite ${session.user.email} instead.`}
        >
          <form action={signOutForInvitationAction}>
            <input type="hidden" name="token" value={token} />
            <Button type="submit" variant="outline" className="w-full">
              Sign out and continue
            </Button>
          </form>
        </Refusal>
      );
    }
    return (
      <AuthShell title={`Join ${org}`} description={description}>
        <Card className="shadow-md">
          <CardContent className="space-y-4 pt-6">
            <p className="text-sm text-muted-foreground">
              You are signed in as <span className="font-medium text-foreground">{session.user.email}</span>. Joining adds {org} to your
              organizations; switch between them in the sidebar.
            </p>
            <AcceptInvitationButton token={token} organizationName={org} />
          </CardContent>
        </Card>
      </AuthShell>
    );
  }

  if (invitation.accountExists) {
    return (
      <AuthShell title={`Join ${org}`} description={description}>
        <Card className="shadow-md">
          <CardContent className="space-y-4 pt-6">
            <p className="text-sm" data-testid="invitation-state">
              You already have a Herald account as <span className="font-medium">{invitation.email}</span>. Sign in with it to accept.
            </p>
            <Button asChild className="w-full">
              <Link href={`/login?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`}>Sign in to accept</Link>
            </Button>
          </CardContent>
        </Card>
      </AuthShell>
    );
  }

  return (
    <AuthShell title={`Join ${org}`} description={description}>
      <Card className="shadow-md">
        <CardContent className="pt-6">
          <NewAccountForm token={token} email={invitation.email} />
        </CardContent>
      </Card>
    </AuthShell>
  );
}

import type { Metadata } from "next";
import { PageHeader } from "@/components/portal/page-header";
import { InvitationActions, InviteMemberForm, RemoveMemberButton, RoleSelect } from "@/components/people/member-controls";
import { Time } from "@/components/time/time";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listPendingInvitations } from "@/db/queries/invitations";
import { listMembers } from "@/db/queries/organizations";
import { requireSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const { user, org } = await requireSession();
  const owner = user.role === "owner";
  const [members, invitations] = await Promise.all([listMembers({ orgId: org.id }), owner ? listPendingInvitations({ orgId: org.id }) : Promise.resolve([])]);
  return (
    <>
      <PageHeader
        title="Members"
        description={
          owner
            ? `The people who can sign in to ${org.name}'s portal. Owners invite people, change roles and remove members; an organization always keeps at least one owner.`
            : `The people who can sign in to ${org.name}'s portal. Only owners invite people and change roles.`
        }
      />
      <div className="space-y-6">
        {owner ? (
          <Card>
            <CardHeader>
              <CardTitle>Invite someone</CardTitle>
              <CardDescription>They get an email with a link that works once, for 7 days.</CardDescription>
            </CardHeader>
            <CardContent>
              <InviteMemberForm />
            </CardContent>
          </Card>
        ) : null}
        <Card>
          <CardHeader>
            <CardTitle>People in {org.name}</CardTitle>
            <CardDescription>
              {members.length} {members.length === 1 ? "person" : "people"}
            </CardDescription>
          </CardHeader>
          <CardContent className="overflow-x-auto">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Email</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>Last sign-in</TableHead>
                  {owner ? (
                    <TableHead>
                      <span className="sr-only">Actions</span>
                    </TableHead>
                  ) : null}
                </TableRow>
              </TableHeader>
              <TableBody>
                {members.map((m) => {
                  const me = m.id === user.id;
                  return (
                    <TableRow key={m.id} data-testid="member-row">
                      <TableCell className="font-medium">
                        {m.name} {me ? <span className="text-muted-foreground">(you)</span> : null}
                      </TableCell>
                      <TableCell>{m.email}</TableCell>
                      <TableCell>
                        {owner && !me ? (
                          <RoleSelect userId={m.id} name={m.name} role={m.role} />
                        ) : (
                          <Badge variant="outline" className="capitalize">
                            {m.role}
                          </Badge>
                        )}
                      </TableCell>
                      <TableCell className="text-muted-foreground">
                        <Time value={m.lastLoginAt} relative />
                      </TableCell>
                      {owner ? (
                        <TableCell className="text-right">{me ? null : <RemoveMemberButton userId={m.id} name={m.name} organizationName={org.name} />}</TableCell>
                      ) : null}
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
        {owner ? (
          <Card>
            <CardHeader>
              <CardTitle>Pending invitations</CardTitle>
              <CardDescription>Invitations nobody accepted yet. Resending sends a new link; the old one stops working.</CardDescription>
            </CardHeader>
            <CardContent className="overflow-x-auto">
              {invitations.length === 0 ? (
                <p className="text-sm text-muted-foreground" data-testid="no-invitations">
                  No pending invitations.
                </p>
              ) : (
                <Table>
                  <TableHeader>
                    <TableRow>
                      <TableHead>Email</TableHead>
                      <TableHead>Role</TableHead>
                      <TableHead>Sent</TableHead>
                      <TableHead>Expires</TableHead>
                      <TableHead>
                        <span className="sr-only">Actions</span>
                      </TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {invitations.map((i) => (
                      <TableRow key={i.id} data-testid="invitation-row">
                        <TableCell className="font-medium">{i.email}</TableCell>
                        <TableCell className="capitalize">{i.role}</TableCell>
                        <TableCell className="text-muted-foreground">
                          <Time value={i.sentAt} relative />
                          {i.invitedByName ? <div className="text-xs">by {i.invitedByName}</div> : null}
                        </TableCell>
                        <TableCell>
                          {i.expired ? <Badge variant="destructive">Expired</Badge> : <Time value={i.expiresAt} relative />}
                        </TableCell>
                        <TableCell className="text-right">
                          <InvitationActions id={i.id} email={i.email} />
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
            </CardContent>
          </Card>
        ) : null}
      </div>
    </>
  );
}

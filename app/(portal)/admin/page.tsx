import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/portal/page-header";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { listOrganizationsForAdmin } from "@/db/queries/organizations";
import { requireAdmin } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { PLAN_INFO } from "@/lib/plans";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const { user } = await requireAdmin();
  const orgs = await listOrganizationsForAdmin({ isPlatformAdmin: user.isPlatformAdmin });
  return (
    <>
      <PageHeader
        title="Admin"
        description="Every partner organization on this Herald installation. Visible to platform admins only."
        actions={
          <Button asChild variant="outline">
            <Link href="/admin/logs">All deliveries</Link>
          </Button>
        }
      />
      <div className="rounded-lg border bg-card">
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Organization</TableHead>
              <TableHead>Slug</TableHead>
              <TableHead>Plan</TableHead>
              <TableHead className="text-right">Members</TableHead>
              <TableHead>Last sign-in</TableHead>
              <TableHead>Created</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {orgs.map((o) => (
              <TableRow key={o.id} data-testid="admin-org-row">
                <TableCell className="font-medium">{o.name}</TableCell>
                <TableCell className="font-mono text-xs">{o.slug}</TableCell>
                <TableCell>
                  <Badge variant={o.plan === "enterprise" ? "default" : "secondary"}>{PLAN_INFO[o.plan].name}</Badge>
                </TableCell>
                <TableCell className="text-right tabular-nums">{o.memberCount}</TableCell>
                <TableCell className="text-muted-foreground">{formatDateTime(o.lastLoginAt)}</TableCell>
                <TableCell className="text-muted-foreground">{formatDateTime(o.createdAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </>
  );
}

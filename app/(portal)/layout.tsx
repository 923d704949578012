import { connection } from "next/server";
import { Sidebar } from "@/components/portal/sidebar";
import { listMyOrganizations } from "@/db/queries/users";
import { requireSession } from "@/lib/auth/session";

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const { user, org } = await requireSession();
  const organizations = await listMyOrganizations({ userId: user.id });
  return (
    <div className="min-h-dvh">
      <Sidebar
        user={{
          name: user.name,
          email: user.email,
          isPlatformAdmin: user.isPlatformAdmin,
          orgId: org.id,
          orgName: org.name,
          plan: org.plan,
          organizations,
        }}
      />
      <div className="lg:pl-64">
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 lg:px-10 lg:py-10">
          {children}
        </main>
      </div>
    </div>
  );
}

import { cookies } from "next/headers";
import { connection } from "next/server";
import { Sidebar } from "@/components/portal/sidebar";
import { TIME_ZONE_COOKIE, TimeZoneProvider } from "@/components/time/time-zone";
import { getTimeZonePreference } from "@/db/queries/preferences";
import { isTimeZone, UTC } from "@/lib/format";
import { listMyOrganizations } from "@/db/queries/users";
import { requireSession } from "@/lib/auth/session";
import { parseTheme, THEME_COOKIE } from "@/lib/theme";

/** The browser's zone as its cookie says; anything unreadable (a hand-edited cookie) counts as none. */
function readZoneCookie(value: string | undefined): string | undefined {
  try {
    const zone = value ? decodeURIComponent(value) : undefined;
    return isTimeZone(zone) ? zone : undefined;
  } catch {
    return undefined;
  }
}

/** When this request was rendered: relative times ("3 min ago") hydrate against it (lib/format.ts). */
function requestTime(): number {
  return Date.now();
}

export default async function PortalLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const { user, org } = await requireSession();
  const [organizations, preferred, jar] = await Promise.all([
    listMyOrganizations({ userId: user.id }),
    getTimeZonePreference({ userId: user.id }),
    cookies(),
  ]);
  // Times render in the person's zone: their choice, else their browser's (remembered in a cookie), else UTC.
  const browserZone = readZoneCookie(jar.get(TIME_ZONE_COOKIE)?.value);
  const serverZone = preferred ?? browserZone ?? UTC;
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
          theme: parseTheme(jar.get(THEME_COOKIE)?.value),
        }}
      />
      <div className="lg:pl-64">
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 lg:px-10 lg:py-10">
          <TimeZoneProvider preferred={preferred} serverZone={serverZone} serverNow={requestTime()}>
            {children}
          </TimeZoneProvider>
        </main>
      </div>
    </div>
  );
}

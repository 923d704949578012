import { cookies } from "next/headers";
import { connection } from "next/server";
import { Sidebar } from "@/components/portal/sidebar";
import { BackToPlatform, platformLabel } from "@/components/portal-links/back-to-platform";
import { EmbeddedShell } from "@/components/portal-links/embedded-shell";
import { TIME_ZONE_COOKIE, TimeZoneProvider } from "@/components/time/time-zone";
import { getTimeZonePreference } from "@/db/queries/preferences";
import { isTimeZone, UTC } from "@/lib/format";
import { listMyOrganizations } from "@/db/queries/users";
import { requireSession } from "@/lib/auth/session";
import { env } from "@/lib/env";
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
  const { user, org, portal } = await requireSession();
  const [organizations, preferred, jar] = await Promise.all([
    // A portal session (a magic link's) sees its one organization: no switcher.
    portal ? [] : listMyOrganizations({ userId: user.id }),
    getTimeZonePreference({ userId: user.id }),
    cookies(),
  ]);
  // Times render in the person's zone: their choice, else their browser's (remembered in a cookie), else UTC.
  const browserZone = readZoneCookie(jar.get(TIME_ZONE_COOKIE)?.value);
  const serverZone = preferred ?? browserZone ?? UTC;
  const back = portal?.returnUrl ? <BackToPlatform href={portal.returnUrl} platform={platformLabel(portal.returnUrl, env.portal.platformName)} /> : null;
  if (portal?.embedded) {
    return (
      <EmbeddedShell orgName={org.name} back={back}>
        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-4 sm:px-6">
          <TimeZoneProvider preferred={preferred} serverZone={serverZone} serverNow={requestTime()}>
            {children}
          </TimeZoneProvider>
        </main>
      </EmbeddedShell>
    );
  }
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
          {back ? <div className="mb-4">{back}</div> : null}
          <TimeZoneProvider preferred={preferred} serverZone={serverZone} serverNow={requestTime()}>
            {children}
          </TimeZoneProvider>
        </main>
      </div>
    </div>
  );
}

/**
 * portal-links: magic links (portal sessions) over HTTP against `next start`.
 * - a made-up, a used and an expired token open nothing: the page says which, the open action sets no session cookie
 *   and creates no session; a GET of a live link (a link scanner) uses nothing up;
 * - a live link opens once: the first POST sets the session cookie, the second is turned away;
 * - a portal session stays in its organization (switching to another organization the person is a member of is
 *   refused) and never reaches the Admin section, even when the person is a platform admin: Admin pages are a 404,
 *   creating a platform key is refused and no key appears;
 * - the token is never in the app's log.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type ActionRef, BASE, callAction, http, LOG_FILE, type SecuritySuite } from "./kit";

const sha256 = (token: string) => createHash("sha256").update(token).digest("hex");
const hex = (n: number) => randomBytes(n).toString("hex");

export const portalLinksSuite: SecuritySuite = {
  name: "portal-links",
  async run(ctx) {
    const { raw, check, allActions, acmeOrgId } = ctx;
    const open = allActions.find((a) => a.name === "openPortalLinkAction");
    const tokens: string[] = [];
    const [globex] = await raw<{ id: string }[]>`select organization_id as id from memberships m join users u on u.id = m.user_id where u.email = 'other@example.com'`;

    /** A link straight in the database, as the platform API stores it (only the hash). */
    async function link(p: { email?: string; expired?: boolean; used?: boolean; orgId?: string } = {}): Promise<string> {
      const token = randomBytes(32).toString("base64url");
      tokens.push(token);
      await raw`insert into portal_links (id, organization_id, token_hash, email, role, created_by, expires_at, used_at)
        values (${`plk_${hex(10)}`}, ${p.orgId ?? acmeOrgId}, ${sha256(token)}, ${p.email ?? null}, 'owner', 'system',
          ${p.expired ? new Date(Date.now() - 60_000) : new Date(Date.now() + 300_000)}, ${p.used ? new Date() : null})`;
      return token;
    }
    const sessions = async () => (await raw<{ n: number }[]>`select count(*)::int as n from auth_sessions where portal_link_id is not null`)[0]!.n;
    const sessionCookie = (setCookies: string[]) => setCookies.map((c) => c.split(";")[0] ?? "").find((c) => /^(__Secure-)?authjs\.session-token=./.test(c));

    const refuse = check("portal-links", "a made-up, a used and an expired magic link open nothing and say which; fetching a live one uses nothing up");
    if (!open) refuse.fail("no openPortalLinkAction in the build");
    else {
      const cases: [string, string, RegExp][] = [
        ["made-up", randomBytes(32).toString("base64url"), /not valid/],
        ["not a token", "..%2F..%2Fadmin", /not valid/],
        ["used", await link({ used: true }), /already used/],
        ["expired", await link({ expired: true }), /has expired/],
      ];
      const before = await sessions();
      for (const [label, token, says] of cases) {
        const page = await http("GET", `/portal/${token}`);
        refuse.probe(page.status === 200 && says.test(page.text), `the ${label} link's page: ${page.status} ${page.text.match(/data-state="(\w+)"/)?.[1] ?? ""}`);
        const r = await fetchOpen(open, decodeURIComponent(token));
        refuse.probe(r.status < 500 && !r.cookie, `opening the ${label} link: ${r.status} ${r.location ?? ""}${r.cookie ? ", set a session cookie" : ""}`);
      }
      const live = await link();
      for (let i = 0; i < 3; i++) {
        const page = await http("GET", `/portal/${live}`);
        refuse.probe(page.status === 200 && !sessionCookie(page.setCookies), `GET of a live link set a cookie or failed: ${page.status}`);
      }
      const [row] = await raw<{ used_at: Date | null }[]>`select used_at from portal_links where token_hash = ${sha256(live)}`;
      refuse.probe(row?.used_at === null, "a GET used the live link up");
      refuse.probe((await sessions()) === before, "a refused link created a session");
    }

    const once = check("portal-links", "a live magic link opens once: one session cookie, then the link is used");
    if (!open) once.fail("no openPortalLinkAction in the build");
    else {
      const token = await link();
      const answers = await Promise.all([0, 1, 2].map(() => fetchOpen(open, token)));
      const winners = answers.filter((a) => a.cookie);
      once.probe(winners.length === 1, `three opens at once: ${winners.length} session cookies (${answers.map((a) => `${a.status} ${a.location ?? ""}`).join(", ")})`);
      once.probe(answers.every((a) => a.status < 500), "an open answered 5xx");
      const page = await http("GET", `/portal/${token}`);
      once.probe(/already used/.test(page.text), "the link's page after opening does not say used");
    }

    const confine = check("portal-links", "a portal session stays in its organization and never reaches Admin, even a platform admin's");
    if (!open) confine.fail("no openPortalLinkAction in the build");
    else {
      // A platform admin who is also a member of Acme and of Globex.
      const userId = `usr_${hex(10)}`;
      const email = `portal-admin-${Date.now()}@example.com`;
      await raw`insert into users (id, email, name, is_platform_admin) values (${userId}, ${email}, 'Portal Admin', true)`;
      await raw`insert into memberships (user_id, organization_id, role) values (${userId}, ${acmeOrgId}, 'owner'), (${userId}, ${globex!.id}, 'owner')`;
      const opened = await fetchOpen(open, await link({ email }));
      if (!opened.cookie) confine.fail(`the link did not open: ${opened.status} ${opened.location ?? ""}`);
      else {
        const cookie = opened.cookie;
        const home = await http("GET", "/webhooks", { cookie });
        confine.probe(home.status === 200 && !home.text.includes("org-switcher"), `/webhooks in the portal session: ${home.status}, switcher shown: ${home.text.includes("org-switcher")}`);
        for (const page of ["/admin", "/admin/organizations", "/admin/platform-api", "/admin/audit-log", "/admin/emails"]) {
          const r = await http("GET", page, { cookie });
          confine.probe(r.status === 404, `${page} in a platform admin's portal session: ${r.status}`);
        }
        const switchOrg = allActions.find((a) => a.name === "switchOrganizationAction");
        if (!switchOrg) confine.fail("no switchOrganizationAction in the build");
        else {
          const r = await callAction(switchOrg, [{ organizationId: globex!.id }], cookie);
          confine.probe(r.result?.ok === false, `switching the portal session to Globex: ${JSON.stringify(r.result)}`);
          const [row] = await raw<{ organization_id: string }[]>`select organization_id from auth_sessions where user_id = ${userId} and portal_link_id is not null`;
          confine.probe(row?.organization_id === acmeOrgId, `the session moved to ${row?.organization_id}`);
        }
        const keysBefore = (await raw<{ n: number }[]>`select count(*)::int as n from platform_keys`)[0]!.n;
        for (const action of allActions.filter((a) => /platform/i.test(a.file) && /^create/i.test(a.name))) {
          const r = await callAction(action, [{ name: "from a portal session" }], cookie);
          confine.probe(r.status < 500 && r.result?.ok !== true, `${action.name} in a portal session: ${r.status} ${JSON.stringify(r.result)}`);
        }
        const keysAfter = (await raw<{ n: number }[]>`select count(*)::int as n from platform_keys`)[0]!.n;
        confine.probe(keysAfter === keysBefore, `platform keys before ${keysBefore}, after ${keysAfter}`);
        const settings = await http("GET", "/settings", { cookie });
        confine.probe(settings.status === 200 && !settings.text.includes(globex!.id), "the portal session's settings show Globex");
      }
    }

    const logged = check("portal-links", "magic-link tokens never appear in the app's log");
    let log = "";
    try {
      log = readFileSync(LOG_FILE, "utf8");
    } catch {
      logged.fail(`cannot read ${LOG_FILE}`);
    }
    for (const token of tokens) logged.probe(!log.includes(token), "a magic-link token is in the app's log");
  },
};

/** POSTs the open action as the link's page does, and picks the session cookie out of the answer. */
async function fetchOpen(open: ActionRef, token: string): Promise<{ status: number; location: string | null; cookie?: string }> {
  const res = await fetch(`${BASE}/portal/${encodeURIComponent(token)}`, {
    method: "POST",
    redirect: "manual",
    headers: { "next-action": open.id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
    body: JSON.stringify([{ token }]),
    signal: AbortSignal.timeout(30_000),
  });
  await res.text();
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] ?? "")
    .find((c) => /^(__Secure-)?authjs\.session-token=./.test(c));
  return { status: res.status, location: res.headers.get("x-action-redirect") ?? res.headers.get("location"), cookie };
}

/**
 * people: organizations, members, invitations, password reset and sessions over HTTP against `next start`.
 * - sign-out ends the session on the server: the old cookie, replayed, loads no portal page and creates no API key;
 * - switching to an organization one is not a member of is refused and the session stays where it was;
 * - another organization's invitation token (sent to someone else) cannot be accepted; Globex's owner cannot change
 *   roles, remove members or resend/revoke invitations of Acme (nothing changes);
 * - a member cannot promote themself;
 * - no enumeration: "Forgot password?" answers an existing and an unknown address with the same text, status and
 *   (within noise) time; inviting an address with an account elsewhere answers like inviting a new one.
 */
import { createHash, randomBytes } from "node:crypto";
import { BASE, callAction, http, type SecuritySuite, signIn } from "./kit";

async function signOut(cookie: string): Promise<number> {
  const csrf = await fetch(`${BASE}/api/auth/csrf`, { headers: { cookie } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = [cookie, ...csrf.headers.getSetCookie().map((c) => c.split(";")[0])].join("; ");
  const res = await fetch(`${BASE}/api/auth/signout`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken }),
  });
  return res.status;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const peopleSuite: SecuritySuite = {
  name: "people",
  async run(ctx) {
    const { raw, check, allActions, acmeOrgId, acmeCookie, globexCookie } = ctx;
    const action = (name: string) => allActions.find((a) => a.name === name);
    const [globex] = await raw<{ org_id: string; user_id: string }[]>`
      select m.organization_id as org_id, u.id as user_id from users u join memberships m on m.user_id = u.id where u.email = 'other@example.com'`;
    const [acmeOwner] = await raw<{ id: string }[]>`select id from users where email = 'partner@example.com'`;
    const memberships = async () => (await raw<{ n: string }[]>`select md5(string_agg(user_id || organization_id || role::text, ',' order by user_id, organization_id)) as n from memberships`)[0]!.n;

    // ---- sessions ---------------------------------------------------------------------------------------------------
    const signOutCheck = check("people", "after sign-out the old cookie, replayed, loads no portal page and creates no API key");
    const copy = await signIn("partner@example.com", "partner-demo-password");
    const createKey = action("createApiKeyAction");
    if (!copy || !createKey) signOutCheck.fail(`could not set up: cookie ${Boolean(copy)}, createApiKeyAction ${Boolean(createKey)}`);
    else {
      const before = await http("GET", "/api-keys", { cookie: copy });
      signOutCheck.probe(before.status === 200, `the fresh session loads /api-keys: ${before.status}`);
      signOutCheck.probe((await signOut(copy)) < 400, "sign-out answered an error");
      for (const page of ["/webhooks", "/api-keys", "/settings", "/settings/members"]) {
        const r = await http("GET", page, { cookie: copy });
        signOutCheck.probe(r.status >= 300 && r.status < 400 && /\/login/.test(r.location ?? ""), `${page} with the old cookie: ${r.status} ${r.location ?? ""}`);
      }
      const keysBefore = (await raw<{ n: number }[]>`select count(*)::int as n from api_keys`)[0]?.n;
      const made = await callAction(createKey, [{ name: "after sign-out" }], copy);
      const keysAfter = (await raw<{ n: number }[]>`select count(*)::int as n from api_keys`)[0]?.n;
      signOutCheck.probe(made.result?.ok === false && made.result.error?.code === "unauthorized", `createApiKeyAction with the old cookie: ${made.status} ${JSON.stringify(made.result)}`);
      signOutCheck.probe(keysAfter === keysBefore, `API keys before ${keysBefore}, after ${keysAfter}`);
      // The other browser of the same person (the sweeps' cookie) is still signed in.
      const still = await http("GET", "/api-keys", { cookie: acmeCookie });
      signOutCheck.probe(still.status === 200, `Acme's other session after the sign-out: ${still.status}`);
    }

    const switchCheck = check("people", "switching to an organization one is not a member of: refused, the session stays");
    const switchOrg = action("switchOrganizationAction");
    if (!switchOrg) switchCheck.fail("no switchOrganizationAction in the build");
    else {
      for (const organizationId of [acmeOrgId, "org_zzzzzzzzzzzzzzzzzzzz"]) {
        const r = await callAction(switchOrg, [{ organizationId }], globexCookie);
        switchCheck.probe(r.result?.ok === false && r.result.error?.code === "not_found:organization", `switch to ${organizationId}: ${JSON.stringify(r.result)}`);
      }
      const settings = await http("GET", "/settings", { cookie: globexCookie });
      switchCheck.probe(settings.status === 200 && settings.text.includes(globex!.org_id) && !settings.text.includes(acmeOrgId), "Globex's settings after the attempts");
    }

    // ---- invitations and members across tenants -------------------------------------------------------------------
    const token = randomBytes(32).toString("base64url");
    const [invitation] = await raw<{ id: string }[]>`
      insert into invitations (id, organization_id, email, role, token_hash, expires_at)
      values (${`inv_${randomBytes(10).toString("hex")}`}, ${acmeOrgId}, ${`stranger-${Date.now()}@example.com`}, 'owner',
        ${createHash("sha256").update(token).digest("hex")}, now() + interval '7 days')
      returning id`;
    const crossCheck = check("people", "Globex with Acme's invitation token and Acme's member and invitation ids: refused, nothing changed");
    const before = await memberships();
    const accept = action("acceptInvitationAction");
    if (!accept) crossCheck.fail("no acceptInvitationAction in the build");
    else {
      const r = await callAction(accept, [{ token }], globexCookie);
      crossCheck.probe(r.result?.ok === false && r.result.error?.code === "forbidden:invitation_foreign", `accepting Acme's invitation for someone else: ${JSON.stringify(r.result)}`);
      const page = await http("GET", `/invite/${token}`, { cookie: globexCookie });
      crossCheck.probe(page.status === 200 && page.text.includes("is for someone else"), `the invitation page for Globex: ${page.status}`);
    }
    for (const [name, input] of [
      ["changeMemberRoleAction", { userId: acmeOwner!.id, role: "member" }],
      ["removeMemberAction", { userId: acmeOwner!.id }],
      ["resendInvitationAction", { id: invitation!.id }],
      ["revokeInvitationAction", { id: invitation!.id }],
    ] as const) {
      const a = action(name);
      if (!a) {
        crossCheck.fail(`no ${name} in the build`);
        continue;
      }
      const r = await callAction(a, [input], globexCookie);
      crossCheck.probe(r.result?.ok === false && /^not_found/.test(r.result.error?.code ?? ""), `${name} on Acme's ids: ${JSON.stringify(r.result)}`);
    }
    crossCheck.probe((await memberships()) === before, "memberships changed");
    const [inv] = await raw<{ revoked_at: Date | null; accepted_at: Date | null }[]>`select revoked_at, accepted_at from invitations where id = ${invitation!.id}`;
    crossCheck.probe(!inv?.revoked_at && !inv?.accepted_at, "Acme's invitation was touched");

    const selfCheck = check("people", "a member cannot promote themself");
    const memberPassword = "member-of-acme-password";
    const { hash } = await import("@node-rs/argon2");
    const memberId = `usr_${randomBytes(10).toString("hex")}`;
    const memberEmail = `member-${Date.now()}@example.com`;
    await raw`insert into users (id, email, name, password_hash) values (${memberId}, ${memberEmail}, 'Acme Member', ${await hash(memberPassword)})`;
    await raw`insert into memberships (user_id, organization_id, role) values (${memberId}, ${acmeOrgId}, 'member')`;
    const memberCookie = await signIn(memberEmail, memberPassword);
    const changeRole = action("changeMemberRoleAction");
    if (!memberCookie || !changeRole) selfCheck.fail("could not set up the member");
    else {
      const r = await callAction(changeRole, [{ userId: memberId, role: "owner" }], memberCookie);
      const [row] = await raw<{ role: string }[]>`select role::text from memberships where user_id = ${memberId}`;
      selfCheck.probe(r.result?.ok === false && r.result.error?.code === "forbidden:owner_only" && row?.role === "member", `${JSON.stringify(r.result)}, role ${row?.role}`);
    }

    // ---- enumeration ------------------------------------------------------------------------------------------------
    const resetCheck = check("people", "\"Forgot password?\" answers an existing and an unknown address alike (text, status, time)");
    const reset = action("requestPasswordResetAction");
    if (!reset) resetCheck.fail("no requestPasswordResetAction in the build");
    else {
      const answers: Record<"known" | "unknown", { text: string; ms: number }[]> = { known: [], unknown: [] };
      for (let i = 0; i < 4; i += 1) {
        for (const kind of ["known", "unknown"] as const) {
          const email = kind === "known" ? "other@example.com" : `nobody-${i}-${Date.now()}@example.com`;
          const started = performance.now();
          const r = await callAction(reset, [{ email }]);
          answers[kind].push({ text: `${r.status} ${JSON.stringify(r.result).replace(email, "EMAIL")}`, ms: performance.now() - started });
        }
      }
      const texts = new Set([...answers.known, ...answers.unknown].map((a) => a.text));
      resetCheck.probe(texts.size === 1, `different answers: ${[...texts].join(" | ").slice(0, 400)}`);
      const gap = Math.abs(median(answers.known.map((a) => a.ms)) - median(answers.unknown.map((a) => a.ms)));
      resetCheck.probe(gap < 75, `median answer times differ by ${gap.toFixed(0)} ms`);
    }

    const inviteCheck = check("people", "inviting an address with an account elsewhere answers like inviting a new one");
    const invite = action("inviteMemberAction");
    if (!invite) inviteCheck.fail("no inviteMemberAction in the build");
    else {
      const shape = (r: Awaited<ReturnType<typeof callAction>>) =>
        r.result?.ok ? Object.keys(r.result.data as object).sort().join(",") : `refused ${r.result?.error?.code}`;
      const elsewhere = await callAction(invite, [{ email: "admin@example.com", role: "member" }], acmeCookie);
      const fresh = await callAction(invite, [{ email: `fresh-${Date.now()}@example.com`, role: "member" }], acmeCookie);
      inviteCheck.probe(elsewhere.result?.ok === true && shape(elsewhere) === shape(fresh), `${shape(elsewhere)} vs ${shape(fresh)}`);
      const member = await callAction(invite, [{ email: "partner@example.com", role: "member" }], acmeCookie);
      inviteCheck.probe(member.result?.ok === false && member.result.error?.code === "conflict:already_member", `inviting a member says so: ${JSON.stringify(member.result)}`);
    }
  },
};

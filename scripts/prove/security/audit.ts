/**
 * audit: the audit log and the email outbox over HTTP against `next start`.
 * - a change Acme makes through the portal (rotating a signing secret) is in Acme's audit log with the person, the
 *   target and the socket's address, shown on Acme's Settings -> Audit log, and not on Globex's;
 * - no signing secret, header value or API key is stored in audit_events or emails (every value made in the run);
 * - Admin -> Emails and Admin -> Audit log answer partners with the same 404 as a page that does not exist, and the
 *   Resend action refuses them as not found.
 */
import { callAction, http, type SecuritySuite } from "./kit";

export const auditSuite: SecuritySuite = {
  name: "audit",
  async run(ctx) {
    const { raw, check, allActions, ids, acmeCookie, globexCookie, allKeys } = ctx;

    const recorded = check("audit", "an Acme change over HTTP is in Acme's audit log (person, target, address), on Acme's page and not on Globex's");
    const rotate = allActions.find((a) => a.name === "rotateSecretAction");
    if (!rotate) recorded.fail("no rotateSecretAction in the build");
    else {
      const r = await callAction(rotate, [{ id: ids.endpoint }], acmeCookie);
      recorded.probe(r.result?.ok === true, `rotateSecretAction answered ${r.status} ${JSON.stringify(r.result)?.slice(0, 200)}`);
      const rows = await raw<{ actor_email: string | null; ip: string | null; organization_id: string | null }[]>`
        select actor_email, ip, organization_id from audit_events where action = 'endpoint.secret_rotated' and target_id = ${ids.endpoint}`;
      recorded.probe(rows.length === 1, `${rows.length} endpoint.secret_rotated events for Acme's endpoint`);
      recorded.probe(rows[0]?.actor_email === "partner@example.com", `actor ${rows[0]?.actor_email}`);
      recorded.probe(rows[0]?.organization_id === ctx.acmeOrgId, `organization ${rows[0]?.organization_id}`);
      recorded.probe(Boolean(rows[0]?.ip && /^(127\.|::1$)/.test(rows[0].ip)), `address ${rows[0]?.ip}`);
      const acmePage = await http("GET", "/settings/audit-log?action=endpoint.secret_rotated", { cookie: acmeCookie });
      recorded.probe(acmePage.status === 200 && acmePage.text.includes(ids.endpoint), `Acme's audit log page: ${acmePage.status}, shows the endpoint: ${acmePage.text.includes(ids.endpoint)}`);
      const globexPage = await http("GET", "/settings/audit-log?action=endpoint.secret_rotated", { cookie: globexCookie });
      recorded.probe(globexPage.status === 200 && !globexPage.text.includes(ids.endpoint), `Globex's audit log page: ${globexPage.status}, shows Acme's endpoint: ${globexPage.text.includes(ids.endpoint)}`);
    }

    const secrets = check("audit", "no signing secret, header value or API key in audit_events or emails");
    for (const table of ["audit_events", "emails"]) {
      for (const needle of ["whsec_", "whsk_", "acme-header-secret-value", ...allKeys.map((k) => k.slice(8))]) {
        const [row] = await raw.unsafe(`select count(*)::int as n from "${table}" t where to_jsonb(t)::text like '%' || $1 || '%'`, [needle]);
        secrets.probe(Number(row!.n) === 0, `${table} holds ${needle.slice(0, 12)}…`);
      }
    }

    const hidden = check("audit", "Admin -> Emails, Admin -> Audit log and Resend: partners get the not-found of a page or email that does not exist");
    const missing = await http("GET", "/admin/no-such-page", { cookie: acmeCookie });
    for (const page of ["/admin/emails", "/admin/emails?view=eml_00000000000000000000", "/admin/audit-log", "/admin/audit-log?org=platform"]) {
      const r = await http("GET", page, { cookie: acmeCookie });
      // The page's own words never reach a partner (the portal around the 404 does, with their own email in it).
      const own = ["Visible to platform admins only", "SMTP_URL", "Platform-wide events"].find((w) => r.text.includes(w));
      hidden.probe(r.status === 404 && r.status === missing.status && !own, `${page} for a partner: ${r.status} (unknown page: ${missing.status})${own ? `, shows "${own}"` : ""}`);
    }
    const resend = allActions.find((a) => a.name === "resendEmailAction");
    if (!resend) hidden.fail("no resendEmailAction in the build");
    else {
      const [email] = await raw<{ id: string }[]>`select id from emails order by created_at desc limit 1`;
      const r = await callAction(resend, [{ id: email?.id ?? "eml_00000000000000000000" }], acmeCookie);
      hidden.probe(r.result?.ok === false && r.result.error?.code === "not_found:email", `resendEmailAction for a partner: ${r.status} ${JSON.stringify(r.result)?.slice(0, 200)}`);
    }
  },
};

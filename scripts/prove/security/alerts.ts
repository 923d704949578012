/**
 * alerts: endpoint alerts' public surface and the platform's operational webhooks, over HTTP against `next start`.
 * - POST /api/unsubscribe (the RFC 8058 one-click target) refuses forged, altered, foreign-key and random tokens with
 *   one and the same 400 and changes nothing; the /unsubscribe page says "not valid" for them (never a 500); a token
 *   signed with the app's secret works without any cookie, once or twice;
 * - Admin -> Operational webhooks answers partners with the 404 of a page that does not exist, and its actions refuse
 *   them as not found without registering anything.
 */
import { createHmac } from "node:crypto";
import { AUTH_SECRET, callAction, http, type SecuritySuite } from "./kit";

/** The token format lib/alerts/unsubscribe.ts issues, made here from the app's AUTH_SECRET (or another key). */
function token(payload: Record<string, unknown>, secret = AUTH_SECRET): string {
  const key = createHmac("sha256", secret).update("herald/alert-unsubscribe/v1").digest();
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${createHmac("sha256", key).update(body).digest("base64url")}`;
}

export const alertsSuite: SecuritySuite = {
  name: "alerts",
  async run(ctx) {
    const { raw, check, allActions, acmeCookie, acmeOrgId } = ctx;
    const [acmeUser] = await raw<{ id: string }[]>`select id from users where email = 'partner@example.com'`;
    const userId = acmeUser!.id;
    const optOuts = async () => Number((await raw<{ n: number }[]>`select count(*)::int as n from notification_opt_outs`)[0]!.n);

    const refused = check("alerts", "unsubscribe: forged, altered, foreign-key and random tokens get the same 400 and change nothing");
    const before = await optOuts();
    const good = token({ v: 1, k: "recovered", u: userId });
    const [goodBody, goodSig] = good.split(".") as [string, string];
    const bad = [
      token({ v: 1, k: "recovered", u: userId }, "some-other-secret-0123456789abcdefghijklmnop"),
      `${Buffer.from(JSON.stringify({ v: 1, k: "failing", u: userId })).toString("base64url")}.${goodSig}`,
      `${goodBody}.${goodSig.slice(0, -1)}${goodSig.endsWith("A") ? "B" : "A"}`,
      token({ v: 1, k: "everything", u: userId }),
      token({ v: 2, k: "failing", u: userId }),
      token({ v: 1, k: "failing", o: acmeOrgId, e: "not-an-address" }),
      "nonsense",
      "",
      "a".repeat(5000),
      "%00",
    ];
    const answers = new Set<string>();
    for (const t of bad) {
      const r = await http("POST", `/api/unsubscribe?token=${encodeURIComponent(t)}`, { body: "List-Unsubscribe=One-Click" });
      answers.add(`${r.status} ${r.text}`);
      refused.probe(r.status === 400, `POST /api/unsubscribe with ${t.slice(0, 30)}…: ${r.status} ${r.text.slice(0, 120)}`);
      const page = await http("GET", `/unsubscribe?token=${encodeURIComponent(t)}`);
      refused.probe(page.status === 200 && page.text.includes("This unsubscribe link is not valid"), `/unsubscribe page with ${t.slice(0, 30)}…: ${page.status}`);
    }
    refused.probe(answers.size === 1, `different answers for bad tokens: ${[...answers].join(" | ").slice(0, 300)}`);
    refused.probe((await optOuts()) === before, "a bad token changed notification_opt_outs");

    const works = check("alerts", "unsubscribe: a token signed with the app's secret works without cookies, idempotently; its page asks first");
    const page = await http("GET", `/unsubscribe?token=${encodeURIComponent(good)}`);
    works.probe(page.status === 200 && page.text.includes("partner@example.com") && page.text.includes("Endpoint recovered"), `the page: ${page.status}`);
    works.probe((await optOuts()) === before, "opening the page unsubscribed (it must ask first)");
    for (let i = 0; i < 2; i += 1) {
      const r = await http("POST", `/api/unsubscribe?token=${encodeURIComponent(good)}`, { body: "List-Unsubscribe=One-Click" });
      works.probe(r.status === 200, `one-click POST ${i + 1}: ${r.status} ${r.text.slice(0, 120)}`);
    }
    const rows = await raw<{ kind: string }[]>`select kind from notification_opt_outs where user_id = ${userId}`;
    works.probe(rows.length === 1 && rows[0]!.kind === "recovered", `opt-outs for the person: ${JSON.stringify(rows)}`);
    // Leave the demo partner as it was.
    await raw`delete from notification_opt_outs where user_id = ${userId} and kind = 'recovered'`;

    const hidden = check("alerts", "Admin -> Operational webhooks: partners get the 404 of a missing page; its actions refuse them as not found");
    const missing = await http("GET", "/admin/no-such-page", { cookie: acmeCookie });
    const adminPage = await http("GET", "/admin/operational-webhooks", { cookie: acmeCookie });
    hidden.probe(
      adminPage.status === 404 && adminPage.status === missing.status && !adminPage.text.includes("Visible to platform admins only"),
      `/admin/operational-webhooks for a partner: ${adminPage.status} (unknown page: ${missing.status})`,
    );
    const [countBefore] = await raw<{ n: number }[]>`select count(*)::int as n from webhook_endpoints e join organizations o on o.id = e.organization_id where o.is_platform`;
    for (const name of [
      "createOperationalWebhookAction",
      "updateOperationalWebhookAction",
      "deleteOperationalWebhookAction",
      "revealOperationalSecretAction",
      "rotateOperationalSecretAction",
    ]) {
      const action = allActions.find((a) => a.name === name);
      if (!action) {
        hidden.fail(`no ${name} in the build`);
        continue;
      }
      const r = await callAction(action, [{ id: ctx.ids.endpoint, url: "https://ops.example/hook", eventTypes: "all" }], acmeCookie);
      hidden.probe(r.result?.ok === false && r.result.error?.code === "not_found:operational_webhook", `${name} for a partner: ${r.status} ${JSON.stringify(r.result)?.slice(0, 200)}`);
    }
    const [countAfter] = await raw<{ n: number }[]>`select count(*)::int as n from webhook_endpoints e join organizations o on o.id = e.organization_id where o.is_platform`;
    hidden.probe(countAfter!.n === countBefore!.n, `operational webhooks before ${countBefore!.n}, after ${countAfter!.n}`);
  },
};

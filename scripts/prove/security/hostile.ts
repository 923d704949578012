/**
 * hostile: hundreds of generated bad inputs against every action and every /api/v1 route (wrong types, huge strings,
 * unicode tricks, CR/LF in header values, JSON bombs, deep nesting, over-long URLs, every SSRF form): 0 answers with
 * status 500, every rejection carries a message, the database is unchanged, and the HTTPS receivers on 127.0.0.1 and
 * [::1] see no connection at all. A host name that /etc/hosts points at 127.0.0.1 passes the form (no DNS there) and
 * is blocked at delivery.
 */
import { readFileSync } from "node:fs";
import { BASE, callAction, http, PUBLIC_API_ROUTES, type SecuritySuite, sleep } from "./kit";

export const hostileSuite: SecuritySuite = {
  name: "hostile",
  async run(ctx) {
    const { check, digest, changedTables, allRoutes, allActions, idFor, fill, ids, acmeCookie, acmeKey } = ctx;
    const { v4, v6 } = ctx.receivers;
    const { hostileActionInputs, hostileApiRequests, ssrfUrls } = await import("../hostile-inputs");
    const before = await digest();
    const internal = "Something went wrong on our side";
    const actionCheck = check("hostile", "bad inputs to every server action (Acme's session): no 500, a message, nothing stored");
    const frameworkCheck = check("hostile", "malformed action payloads (not JSON, over 1 MB, 5,000 levels deep): 400/413 with a message before Next decodes them");
    // Sign-in and sign-out have their own checks; a sign-out in the middle would end the sweep's session.
    const skip = new Set(["signInWithPassword", "signInWithProvider", "signOutAction", "signOutForInvitationAction"]);
    const ssrf = ssrfUrls(v4.port, v6.port);
    for (const action of allActions.filter((a) => !skip.has(a.name))) {
      for (const input of hostileActionInputs(action.name, { ...ids, ssrf })) {
        const r = await callAction(action, input.args, acmeCookie, input.rawBody);
        // A payload the browser never produces (not JSON, over the 1 MB action body limit, absurdly deep) is
        // refused by lib/server-action-guard.ts (from proxy.ts) before Next decodes it.
        if (!r.result) {
          let message = "";
          try {
            message = (JSON.parse(r.text) as { error?: { message?: string } }).error?.message ?? "";
          } catch {
            message = "";
          }
          frameworkCheck.probe((r.status === 400 || r.status === 413) && Boolean(message), `${action.name} ${input.label}: ${r.status} ${r.text.slice(0, 120)}`);
          continue;
        }
        const message = r.result?.error?.message ?? "";
        actionCheck.probe(
          r.status < 500 && r.result?.ok === false && Boolean(message) && !message.startsWith(internal),
          `${action.name} ${input.label}: ${r.status} ${JSON.stringify(r.result)?.slice(0, 200) ?? r.text.slice(0, 200)}`,
        );
      }
    }
    const apiCheck = check("hostile", "bad requests to every /api/v1 route (Acme's key): no 500, an error message, nothing stored");
    for (const { route, methods } of allRoutes.filter((r) => r.route.startsWith("/api/v1/") && !PUBLIC_API_ROUTES.includes(r.route))) {
      const id = route.includes("[id]") ? idFor(route) : "";
      if (id === undefined) {
        apiCheck.fail(`${route}: no id to try`);
        continue;
      }
      for (const method of methods) {
        for (const req of hostileApiRequests(route, method)) {
          const urlPath = req.path ? req.path(route) : fill(route, id);
          const r = await http(method, urlPath, { key: acmeKey, body: req.body });
          const message = (r.json as { error?: { message?: string } } | undefined)?.error?.message ?? "";
          apiCheck.probe(
            r.status >= 400 && r.status < 500 && Boolean(message) && !message.startsWith(internal),
            `${method} ${route} ${req.label}: ${r.status} ${r.text.slice(0, 200)}`,
          );
        }
      }
    }
    const loginCheck = check("hostile", "bad input to sign-in (Auth.js credentials callback): no 500, no session");
    for (const [email, password] of [
      ["a".repeat(100_000) + "@example.com", "x"],
      ["partner@example.com\r\nSet-Cookie: x=1", "partner-demo-password"],
      ["partner@example.com", "p".repeat(1_000_000)],
      ["ｐａｒｔｎｅｒ@example.com", "partner-demo-password"],
      ["partner@example.com\u0000", "partner-demo-password"],
      ["' or 1=1 --", "' or 1=1 --"],
    ]) {
      const csrf = await fetch(`${BASE}/api/auth/csrf`);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") },
        body: new URLSearchParams({ email: email!, password: password!, csrfToken }),
      });
      await res.text();
      const session = res.headers.getSetCookie().some((c) => c.startsWith("authjs.session-token=") && !c.startsWith("authjs.session-token=;"));
      loginCheck.probe(res.status < 500 && !session, `${JSON.stringify(email!.slice(0, 40))}: ${res.status}${session ? ", signed in" : ""}`);
    }
    const changed = changedTables(before, await digest());
    actionCheck.probe(changed.length === 0, `tables changed by bad input: ${changed.join(", ")}`);

    // A name /etc/hosts points at a loopback address passes the form (there is no DNS there), and is blocked at
    // delivery: the receiver must see no connection.
    const hostsCheck = check("hostile", "a host name /etc/hosts points at 127.0.0.1: accepted by the form, blocked at delivery");
    const hostsName = readFileSync("/etc/hosts", "utf8")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim().split(/\s+/))
      .filter((f) => f[0] === "127.0.0.1")
      .flatMap((f) => f.slice(1))
      .find((n) => n.includes(".") && !/(^|\.)localhost\.?$/i.test(n));
    const create = allActions.find((a) => a.name === "createEndpointAction");
    const sendTest = allActions.find((a) => a.name === "sendTestEventAction");
    const remove = allActions.find((a) => a.name === "deleteEndpointAction");
    if (!hostsName) {
      console.log("note: /etc/hosts names no dotted host for 127.0.0.1 (add `127.0.0.1 ssrf-loopback.herald.test`); that case was skipped.");
    } else if (create && sendTest && remove) {
      const made = await callAction(create, [{ url: `https://${hostsName}:${v4.port}/hook`, maxRetries: 0 }], acmeCookie);
      const id = (made.result?.data as { id?: string } | undefined)?.id;
      if (!id) hostsCheck.fail(`creating the endpoint answered ${made.status} ${JSON.stringify(made.result)}`);
      else {
        const sent = await callAction(sendTest, [{ id, type: "credential.issued" }], acmeCookie);
        const text = JSON.stringify(sent.result);
        hostsCheck.probe(/blocked|public address/i.test(text), `Send test event to ${hostsName}: ${text.slice(0, 300)}`);
        await callAction(remove, [{ id }], acmeCookie);
      }
    }
    const ssrfCheck = check("hostile", "no connection ever reached the receivers on 127.0.0.1 and [::1]");
    await sleep(1_000);
    for (const r of [v4, v6]) ssrfCheck.probe(r.connections() === 0, `${r.url} accepted ${r.connections()} connection(s)`);
  },
};
